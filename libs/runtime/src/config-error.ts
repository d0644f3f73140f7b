import { ShoplensError } from '@shoplens/schemas';

export const CONFIG_ERROR_CODES = ['bad_config'] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/** A setting from the environment is missing or malformed; the message names the variable. */
export class ConfigError extends ShoplensError<ConfigErrorCode> {
  override readonly name = 'ConfigError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_config', message, { cause: options?.cause });
  }
}
