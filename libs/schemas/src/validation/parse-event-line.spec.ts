import { sampleEvents } from '../testing/sample-events.js';
import { parseEventLine } from './parse-event-line.js';

describe('parseEventLine', () => {
  const line = JSON.stringify(sampleEvents.purchase);

  it('parses and validates a string line', () => {
    expect(parseEventLine(line)).toMatchObject({ ok: true, event: sampleEvents.purchase });
  });

  it('parses UTF-8 bytes, as Kafka delivers them', () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ ...sampleEvents.page_view, page_url: '/café' }),
    );
    expect(parseEventLine(bytes)).toMatchObject({ ok: true, event: { page_url: '/café' } });
  });

  it.each(['{', '', 'not json', '{"a":1}{', "{'a':1}"])('rejects %p as invalid_json', (text) => {
    expect(parseEventLine(text)).toMatchObject({
      ok: false,
      reason: 'invalid_json',
      issues: [{ path: '', code: 'invalid_json' }],
    });
  });

  it('rejects bytes that are not UTF-8 as invalid_json', () => {
    const result = parseEventLine(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(result).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(!result.ok && result.issues[0]?.message).toMatch(/UTF-8/);
  });

  it('rejects JSON that is not an object as not_an_object', () => {
    expect(parseEventLine('[1,2]')).toMatchObject({ ok: false, reason: 'not_an_object' });
    expect(parseEventLine('null')).toMatchObject({ ok: false, reason: 'not_an_object' });
  });

  it('passes the arrival time on', () => {
    const arrivalTimeMs = Date.parse('2026-01-01T00:00:00Z');
    expect(parseEventLine(line, { arrivalTimeMs })).toMatchObject({
      ok: false,
      reason: 'event_time_in_future',
    });
  });
});
