import { sampleEvents } from '@shoplens/schemas/testing';
import { routeRecord } from './route-record.js';

const HOUR = 3_600_000;

describe('routeRecord', () => {
  const event = Object.values(sampleEvents)[0] as { event_time: string };
  const arrival = Date.parse(event.event_time) + 5_000;

  it('sends a valid event, byte for byte, to the raw file of its event-time UTC hour', () => {
    const bytes = Buffer.from(JSON.stringify(event));
    const routed = routeRecord(bytes, arrival);
    expect(routed).toEqual({
      zone: 'raw',
      bucketMs: Math.floor(Date.parse(event.event_time) / HOUR) * HOUR,
      line: bytes,
    });
  });

  it('compacts a pretty-printed valid event to one line', () => {
    const routed = routeRecord(Buffer.from(JSON.stringify(event, null, 2)), arrival);
    expect(routed.zone === 'raw' && Buffer.from(routed.line).toString()).toBe(
      JSON.stringify(event),
    );
  });

  it('quarantines anything else with its reason, under the arrival day', () => {
    const day = Math.floor(arrival / 86_400_000) * 86_400_000;
    expect(routeRecord(Buffer.from('{not json'), arrival)).toMatchObject({
      zone: 'quarantine',
      reason: 'invalid_json',
      bucketMs: day,
    });
    expect(routeRecord(null, arrival)).toMatchObject({
      zone: 'quarantine',
      reason: 'invalid_json',
    });
    expect(
      routeRecord(Buffer.from(JSON.stringify({ ...event, user_id: undefined })), arrival),
    ).toMatchObject({ zone: 'quarantine', reason: 'missing_field' });
    expect(routeRecord(Buffer.from([0xff, 0x00]), arrival)).toMatchObject({ zone: 'quarantine' });
  });
});
