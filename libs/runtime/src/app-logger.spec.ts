import { createAppLogger } from './app-logger.js';

function memory(): {
  lines: Record<string, unknown>[];
  text: () => string;
  write(s: string): void;
} {
  const chunks: string[] = [];
  return {
    write: (s: string) => void chunks.push(s),
    text: () => chunks.join(''),
    get lines() {
      return chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
}

describe('createAppLogger', () => {
  it('writes JSON lines named after the app, at its level, with components', () => {
    const out = memory();
    const log = createAppLogger('batch', 'info', { dest: out });
    log.debug('hidden');
    log.child({ component: 'lake' }).info({ files: 2 }, 'read');
    log.error({ err: new Error('boom') }, 'failed');
    expect(out.lines).toHaveLength(2);
    expect(out.lines[0]).toMatchObject({ name: 'batch', component: 'lake', files: 2, msg: 'read' });
    expect(out.lines[1]).toMatchObject({ msg: 'failed', err: { type: 'Error', message: 'boom' } });
  });

  it('redacts credentials at the top and one level down', () => {
    const out = memory();
    createAppLogger('api', 'info', { dest: out }).info(
      {
        databaseUrl: 'postgres://u:hunter2@h/db',
        config: { password: 'hunter2', secretAccessKey: 'hunter2', apiKey: 'hunter2' },
        s3: { credentials: { accessKeyId: 'a' } },
        req: { headers: { authorization: 'Bearer hunter2', 'x-api-key': 'hunter2' } },
        headers: { authorization: 'Bearer hunter2' },
        kept: 'visible',
      },
      'settings',
    );
    expect(out.text()).not.toContain('hunter2');
    expect(out.text()).not.toContain('accessKeyId');
    expect(out.lines[0]).toMatchObject({ kept: 'visible', databaseUrl: '[Redacted]' });
  });
});
