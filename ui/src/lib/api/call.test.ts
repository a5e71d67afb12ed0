import { describe, expect, it } from 'vitest';
import { call, CommandError, fieldErrors, isSignedOutError, appErrorOf } from './call';
import type { AppError, Result } from './index';

const ok = <T>(data: T) => Promise.resolve<Result<T, AppError>>({ status: 'ok', data });
const failed = (error: AppError) =>
  Promise.resolve<Result<never, AppError>>({ status: 'error', error });

describe('call', () => {
  it('returns the data of an ok result', async () => {
    await expect(call(ok({ n: 1 }))).resolves.toEqual({ n: 1 });
  });

  it('throws a CommandError carrying the AppError of an error result', async () => {
    const err = await call(failed({ code: 'forbidden', permission: 'view_client' })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).code).toBe('forbidden');
    expect(appErrorOf(err)).toEqual({ code: 'forbidden', permission: 'view_client' });
  });

  it('turns an error without a code (a panic, a plain string) into an internal error', async () => {
    const pending = Promise.resolve({ status: 'error', error: 'boom' } as unknown as Result<
      never,
      AppError
    >);
    const err = await call(pending).catch((e: unknown) => e);
    expect(appErrorOf(err)).toEqual({ code: 'internal', reference: 'unknown' });
  });

  it('lets a rejected promise (broken IPC) propagate unchanged', async () => {
    const broken = new Error('ipc down');
    await expect(call(Promise.reject(broken))).rejects.toBe(broken);
  });
});

describe('fieldErrors', () => {
  it('maps validation issues to field → message, keeping the first per field', () => {
    const err = new CommandError({
      code: 'validation',
      issues: [
        { field: 'dateOfBirth', message: 'The date of birth is in the future.' },
        { field: 'lastName', message: 'A last name needs at least one letter.' },
        { field: 'dateOfBirth', message: 'Second problem.' },
      ],
    });
    expect(fieldErrors(err)).toEqual({
      dateOfBirth: 'The date of birth is in the future.',
      lastName: 'A last name needs at least one letter.',
    });
  });

  it('is empty for other errors', () => {
    expect(fieldErrors(new CommandError({ code: 'invalid_credentials' }))).toEqual({});
    expect(fieldErrors(new Error('x'))).toEqual({});
  });
});

describe('isSignedOutError', () => {
  it('is true for session_expired and not_signed_in only', () => {
    expect(isSignedOutError(new CommandError({ code: 'session_expired', idleSeconds: 900 }))).toBe(
      true,
    );
    expect(isSignedOutError(new CommandError({ code: 'not_signed_in' }))).toBe(true);
    expect(isSignedOutError(new CommandError({ code: 'forbidden', permission: 'x' }))).toBe(false);
    expect(isSignedOutError(new Error('x'))).toBe(false);
  });
});
