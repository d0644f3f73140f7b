import { renderEnv } from './render-env.js';

describe('renderEnv', () => {
  it('prints one export line per variable, unquoted when the shell needs no quotes', () => {
    expect(renderEnv({ KAFKA_BROKERS: '127.0.0.1:19092', LAKE_URL: 's3://shoplens/lake' })).toBe(
      'export KAFKA_BROKERS=127.0.0.1:19092\nexport LAKE_URL=s3://shoplens/lake',
    );
  });

  it('quotes values with spaces or quotes so that eval restores them exactly', () => {
    expect(renderEnv({ A: "it's a b" })).toBe(`export A='it'\\''s a b'`);
  });
});
