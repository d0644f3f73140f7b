export const DEMO_ERROR_CODES = ['bad_config', 'demo_failed'] as const;
export type DemoErrorCode = (typeof DEMO_ERROR_CODES)[number];

/** Errors of the demo: bad settings (exit 2) or a step that failed (exit 1). */
export class DemoError extends Error {
  override readonly name = 'DemoError';
  readonly retriable = false;

  constructor(
    readonly code: DemoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
