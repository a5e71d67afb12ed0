import { call, fieldErrors, type Api, type ForgotPasswordResponse } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Message } from '$lib/i18n';

export type ForgotPasswordForm = { organizationCode: string; username: string; email: string };

/**
 * Forgot Password: org code, username and the email on file. Rust answers the same whether or
 * not the account exists, and says where the demo's outbox is.
 */
export class ForgotPassword {
  form = $state<ForgotPasswordForm>({ organizationCode: '', username: '', email: '' });
  /** Why the user was sent here (account locked, temporary password expired), if not by choice. */
  reason = $state<Message | null>(null);
  result = $state<ForgotPasswordResponse | null>(null);
  fieldErrors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  busy = $state(false);

  readonly #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  /** Starts over with what the sign-in form held. */
  open(values: { organizationCode: string; username: string }, reason: Message | null): void {
    this.form = { ...values, email: '' };
    this.reason = reason;
    this.result = null;
    this.fieldErrors = {};
    this.error = null;
  }

  async submit(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.fieldErrors = {};
    this.error = null;
    try {
      this.result = await call(
        this.#api.forgotPassword({
          organizationCode: this.form.organizationCode.trim(),
          username: this.form.username.trim(),
          email: this.form.email.trim(),
        }),
      );
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.fieldErrors = fields;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }
}
