import { ShoplensError } from '@shoplens/schemas';

export const DEMO_ERROR_CODES = ['bad_config', 'demo_failed'] as const;
export type DemoErrorCode = (typeof DEMO_ERROR_CODES)[number];

/** Errors of the demo: bad settings (exit 2) or a step that failed (exit 1). */
export class DemoError extends ShoplensError<DemoErrorCode> {
  override readonly name = 'DemoError';

  constructor(code: DemoErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { cause: options?.cause });
  }
}
