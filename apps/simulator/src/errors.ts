import { ShoplensError, type ShoplensErrorOptions } from '@shoplens/schemas';

export const simulatorErrorCodes = [
  'BAD_OPTION',
  'BAD_USAGE',
  'KAFKA_UNREACHABLE',
  'KAFKA_SEND',
  'OUTPUT',
] as const;
export type SimulatorErrorCode = (typeof simulatorErrorCodes)[number];

export type SimulatorErrorOptions = ShoplensErrorOptions;

/** Every failure the simulator reports on purpose; `code` is stable, the message is for people. */
export class SimulatorError extends ShoplensError<SimulatorErrorCode> {
  override readonly name = 'SimulatorError';
}

export function isSimulatorError(value: unknown): value is SimulatorError {
  return value instanceof SimulatorError;
}
