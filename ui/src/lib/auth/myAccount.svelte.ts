import { call, fieldErrors, type Api, type MyAccount } from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Message } from '$lib/i18n';
import type { Session } from './session.svelte';

export type AccountForm = { firstName: string; lastName: string; email: string; phone: string };
export type ChangePasswordForm = {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
};

const emptyPasswords = (): ChangePasswordForm => ({
  currentPassword: '',
  newPassword: '',
  confirmPassword: '',
});

/** Manage my account: name, email and phone, and changing the password. */
export class MyAccountState {
  account = $state<MyAccount | null>(null);
  form = $state<AccountForm>({ firstName: '', lastName: '', email: '', phone: '' });
  fieldErrors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  saved = $state(false);
  loading = $state(false);
  saving = $state(false);

  rules = $state<string[]>([]);
  passwords = $state<ChangePasswordForm>(emptyPasswords());
  passwordErrors = $state<Record<string, string>>({});
  passwordError = $state<Message | null>(null);
  passwordChanged = $state(false);
  changingPassword = $state(false);

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    this.saved = false;
    this.passwordChanged = false;
    try {
      const [account, rules] = await Promise.all([
        this.#session.call(() => this.#api.myAccount()),
        call(this.#api.passwordRules()),
      ]);
      this.#show(account);
      this.rules = rules.rules;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  async save(): Promise<void> {
    if (this.saving) return;
    this.saving = true;
    this.saved = false;
    this.fieldErrors = {};
    this.error = null;
    try {
      const request = {
        firstName: this.form.firstName.trim(),
        lastName: this.form.lastName.trim(),
        email: this.form.email.trim(),
        phone: this.form.phone.trim(),
      };
      this.#show(await this.#session.call(() => this.#api.updateMyAccount(request)));
      this.saved = true;
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.fieldErrors = fields;
      else this.error = errorMessage(err);
    } finally {
      this.saving = false;
    }
  }

  async changePassword(): Promise<void> {
    if (this.changingPassword) return;
    this.changingPassword = true;
    this.passwordChanged = false;
    this.passwordErrors = {};
    this.passwordError = null;
    const request = { ...this.passwords };
    try {
      await this.#session.call(() => this.#api.changePassword(request));
      this.passwords = emptyPasswords();
      this.passwordChanged = true;
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.passwordErrors = fields;
      else this.passwordError = errorMessage(err);
      // Keep nothing secret on screen after a failure except what must be retyped anyway.
      this.passwords = {
        ...emptyPasswords(),
        currentPassword: fields.currentPassword ? '' : request.currentPassword,
      };
    } finally {
      this.changingPassword = false;
    }
  }

  #show(account: MyAccount): void {
    this.account = account;
    this.form = {
      firstName: account.firstName,
      lastName: account.lastName,
      email: account.email,
      phone: account.phone ?? '',
    };
  }

  /** Forgets everything (the session ended). */
  reset(): void {
    this.account = null;
    this.form = { firstName: '', lastName: '', email: '', phone: '' };
    this.fieldErrors = {};
    this.error = null;
    this.saved = false;
    this.passwords = emptyPasswords();
    this.passwordErrors = {};
    this.passwordError = null;
    this.passwordChanged = false;
  }
}
