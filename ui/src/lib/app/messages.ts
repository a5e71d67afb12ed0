import { CommandError, type AppError } from '$lib/api';
import type { Message } from '$lib/i18n';

/** The page-level message for a failed command (field-level problems are shown by the form). */
export function errorMessage(err: unknown): Message {
  if (!(err instanceof CommandError)) return { key: 'error.unexpected' };
  return appErrorMessage(err.error);
}

export function appErrorMessage(error: AppError): Message {
  switch (error.code) {
    case 'validation':
      return { key: 'error.validation' };
    case 'invalid_credentials':
      return { key: 'signIn.invalidCredentials' };
    case 'captcha_required':
      return { key: 'signIn.captchaRequired' };
    case 'account_locked':
      return { key: 'signIn.accountLocked' };
    case 'account_inactive':
      return { key: 'signIn.accountInactive' };
    case 'access_ended':
      return { key: 'signIn.accessEnded' };
    case 'temporary_password_expired':
      return { key: 'signIn.temporaryExpired' };
    case 'not_signed_in':
    case 'session_expired':
      return { key: 'session.timedOut' };
    case 'forbidden':
      return { key: 'error.forbidden', params: { permission: error.permission } };
    case 'consent_restricted':
      return {
        key:
          restrictionOf(error.restriction) === 'withdrawn'
            ? 'consent.restricted.withdrawn'
            : 'consent.restricted.notGranted',
      };
    case 'not_found':
      return { key: 'error.notFound', params: { entity: error.entity } };
    case 'printer_unavailable':
      return { key: 'print.unavailable.other', params: { detail: error.detail } };
    case 'conflict':
      return { key: 'error.conflict', params: { reason: error.reason } };
    case 'internal':
      return { key: 'error.internal', params: { reference: error.reference } };
  }
}

/** The consent restriction codes the UI explains (anything else reads as "not granted"). */
export function restrictionOf(code: string | null | undefined): 'withdrawn' | 'notGranted' {
  return code === 'consent_withdrawn' ? 'withdrawn' : 'notGranted';
}
