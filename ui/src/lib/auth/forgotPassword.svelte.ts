import { call, fieldErrors, type Api, type ForgotPasswordResponse } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Message } from '$lib/i18n';

export type ForgotPasswordForm = { organizationCode: string; username: string; email: string };

export type ResetPasswordForm = {
  code: string;
  newPassword: string;
  confirmPassword: string;
};

/**
 * Forgot Password, in two steps: (1) org code, username and the email on file, for which Rust
 * emails a single-use reset code (answering the same whether or not the account exists, and
 * refusing where no mail can leave the workstation); (2) that code and a new password. Until
 * the code is used the current password keeps working.
 */
export class ForgotPassword {
  form = $state<ForgotPasswordForm>({ organizationCode: '', username: '', email: '' });
  reset = $state<ResetPasswordForm>({ code: '', newPassword: '', confirmPassword: '' });
  /** Which step the screen shows. */
  step = $state<'request' | 'code'>('request');
  /** Why the user was sent here (account locked, temporary password expired), if not by choice. */
  reason = $state<Message | null>(null);
  result = $state<ForgotPasswordResponse | null>(null);
  fieldErrors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  busy = $state(false);
  /** The password was reset: back to sign-in. */
  done = $state(false);

  readonly #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  /** Starts over with what the sign-in form held. */
  open(values: { organizationCode: string; username: string }, reason: Message | null): void {
    this.form = { ...values, email: '' };
    this.reset = { code: '', newPassword: '', confirmPassword: '' };
    this.step = 'request';
    this.reason = reason;
    this.result = null;
    this.fieldErrors = {};
    this.error = null;
    this.done = false;
  }

  /** "I have a code": the second step, keeping the org code and username. */
  enterCode(): void {
    this.step = 'code';
    this.fieldErrors = {};
    this.error = null;
  }

  async submit(): Promise<void> {
    await this.#run(async () => {
      this.result = await call(
        this.#api.forgotPassword({
          organizationCode: this.form.organizationCode.trim(),
          username: this.form.username.trim(),
          email: this.form.email.trim(),
        }),
      );
    });
  }

  async submitCode(): Promise<void> {
    await this.#run(async () => {
      await call(
        this.#api.resetPassword({
          organizationCode: this.form.organizationCode.trim(),
          username: this.form.username.trim(),
          code: this.reset.code.trim(),
          newPassword: this.reset.newPassword,
          confirmPassword: this.reset.confirmPassword,
        }),
      );
      this.reset = { code: '', newPassword: '', confirmPassword: '' };
      this.done = true;
    });
  }

  async #run(command: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.fieldErrors = {};
    this.error = null;
    try {
      await command();
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.fieldErrors = fields;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }
}
