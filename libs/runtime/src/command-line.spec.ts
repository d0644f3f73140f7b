import { ConfigError } from './config-error.js';
import { readCommandLine } from './command-line.js';

describe('readCommandLine', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  it('loads the config when there are no arguments', () => {
    expect(readCommandLine('app', [], 'HELP', () => ({ a: 1 }))).toEqual({ config: { a: 1 } });
  });

  it('prints the help and ends with 0', () => {
    expect(readCommandLine('app', ['--help'], 'HELP', () => ({}))).toEqual({ exitCode: 0 });
    expect(out).toEqual(['HELP\n']);
  });

  it('ends with 2 on an argument it does not know', () => {
    expect(readCommandLine('app', ['--nope'], 'HELP', () => ({}))).toEqual({ exitCode: 2 });
    expect(err).toEqual(['unknown argument --nope; see --help\n']);
  });

  it('ends with 2 naming the bad setting', () => {
    const load = () => {
      throw new ConfigError('KAFKA_BROKERS is not set');
    };
    expect(readCommandLine('app', [], 'HELP', load)).toEqual({ exitCode: 2 });
    expect(err).toEqual(['app: KAFKA_BROKERS is not set\n']);
  });

  it('lets other errors through', () => {
    const load = () => {
      throw new TypeError('bug');
    };
    expect(() => readCommandLine('app', [], 'HELP', load)).toThrow(TypeError);
  });
});
