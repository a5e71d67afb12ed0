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
    case 'session_ended':
      return sessionEndedMessage(error.reason);
    case 'mail_unavailable':
      return { key: 'error.mailUnavailable' };
    case 'too_many_requests':
      return { key: 'error.tooManyRequests' };
    case 'forbidden':
      if (error.permission === 'facility_other_state') return { key: 'error.facilityOtherState' };
      if (error.permission === 'facility_outside_served_ages')
        return { key: 'error.facilityOutsideServedAges' };
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
    case 'registry':
      return registryMessage(error.reason);
  }
}

const REGISTRY_REASONS = [
  'offline_never_signed_in_here',
  'offline_window_passed',
  'version_mismatch',
  'not_empty',
  'already_connected',
  'captcha_required',
] as const;

/** Why the registry refused or could not be reached when it had to be. */
export function registryMessage(reason: string): Message {
  const known = REGISTRY_REASONS.find((r) => r === reason);
  return known ? { key: `registry.${known}` } : { key: 'registry.other', params: { code: reason } };
}

/** The consent restriction codes the UI explains (anything else reads as "not granted"). */
export function restrictionOf(code: string | null | undefined): 'withdrawn' | 'notGranted' {
  return code === 'consent_withdrawn' ? 'withdrawn' : 'notGranted';
}

/** Why Rust ended a session (not the user's choice), as the sign-in screen says it. */
export function sessionEndedMessage(reason: string): Message {
  switch (reason) {
    case 'lifetime_reached':
      return { key: 'session.ended.lifetime_reached' };
    case 'password_changed':
      return { key: 'session.ended.password_changed' };
    case 'account_inactive':
      return { key: 'session.ended.account_inactive' };
    case 'account_locked':
      return { key: 'session.ended.account_locked' };
    default:
      return { key: 'session.ended.access_ended' };
  }
}
