export const simulatorErrorCodes = [
  'BAD_OPTION',
  'BAD_USAGE',
  'KAFKA_UNREACHABLE',
  'KAFKA_SEND',
  'OUTPUT',
] as const;
export type SimulatorErrorCode = (typeof simulatorErrorCodes)[number];

export interface SimulatorErrorOptions {
  readonly cause?: unknown;
  readonly retriable?: boolean;
}

/** Every failure the simulator reports on purpose; `code` is stable, the message is for people. */
export class SimulatorError extends Error {
  override readonly name = 'SimulatorError';
  readonly code: SimulatorErrorCode;
  readonly retriable: boolean;

  constructor(code: SimulatorErrorCode, message: string, options: SimulatorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export function isSimulatorError(value: unknown): value is SimulatorError {
  return value instanceof SimulatorError;
}
