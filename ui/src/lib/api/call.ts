import type { AppError, Result } from './index';

/** A command that Rust answered with an {@link AppError}. Feature states switch on `error.code`. */
export class CommandError extends Error {
  readonly error: AppError;

  constructor(error: AppError) {
    super(`command failed: ${error.code}`);
    this.name = 'CommandError';
    this.error = error;
  }

  get code(): AppError['code'] {
    return this.error.code;
  }
}

/**
 * Unwraps a generated command result: returns the data, or throws a {@link CommandError}.
 * Anything else that rejects (a broken IPC bridge, a bug) propagates unchanged.
 */
export async function call<T>(pending: Promise<Result<T, AppError>>): Promise<T> {
  const result = await pending;
  if (result.status === 'ok') return result.data;
  throw new CommandError(normalize(result.error));
}

/** Field path → message for a `validation` error; empty for every other error. */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof CommandError && err.error.code === 'validation') {
    for (const issue of err.error.issues) {
      // The first problem with a field is the one to fix first.
      if (!(issue.field in out)) out[issue.field] = issue.message;
    }
  }
  return out;
}

/** True when the error means the user is no longer signed in and must sign in again. */
export function isSignedOutError(err: unknown): boolean {
  return (
    err instanceof CommandError &&
    (err.error.code === 'session_expired' ||
      err.error.code === 'not_signed_in' ||
      err.error.code === 'session_ended')
  );
}

/** The `AppError` inside `err`, if it is a {@link CommandError}. */
export function appErrorOf(err: unknown): AppError | null {
  return err instanceof CommandError ? err.error : null;
}

// A command that panics or whose error fails to serialize reaches us as a bare string or an
// object without `code`; keep the UI on its typed path by treating it as internal.
function normalize(error: unknown): AppError {
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string'
  ) {
    return error as AppError;
  }
  return { code: 'internal', reference: 'unknown' };
}
