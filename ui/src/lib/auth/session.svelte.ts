import {
  appErrorOf,
  call,
  fieldErrors,
  isSignedOutError,
  type Api,
  type AppError,
  type AppInfo,
  type CaptchaChallenge,
  type OrganizationChoice,
  type Result,
  type SignedInUser,
  type SignInStep,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Route, Router } from '$lib/app/router.svelte';
import type { Message } from '$lib/i18n';
import type { ForgotPassword } from './forgotPassword.svelte';
import { PERMISSIONS, type Permission } from './permissions';

/** What the sign-in form holds. `captchaAnswer` is used once a CAPTCHA is required. */
export type SignInForm = {
  organizationCode: string;
  username: string;
  password: string;
  captchaAnswer: string;
  /** Keep the org code and username (never the password) and the session in the OS keyring. */
  remember: boolean;
};

/** A new password, entered twice. */
export type NewPasswordForm = { newPassword: string; confirmPassword: string };

/** Where the sign-in screen is: one view per {@link SignInStep}, plus the credentials form. */
export type SignInView =
  | { name: 'credentials'; captcha: CaptchaChallenge | null }
  | { name: 'changePassword'; rules: string[] }
  | { name: 'confidentiality'; statement: string }
  | { name: 'chooseOrganization'; organizations: OrganizationChoice[] };

const emptyForm = (organizationCode = '', username = '', remember = false): SignInForm => ({
  organizationCode,
  username,
  password: '',
  captchaAnswer: '',
  remember,
});

/**
 * Who is signed in; the sign-in steps (credentials, CAPTCHA, forced password change,
 * confidentiality, organization); the idle lock; sign-out. Every other feature sends its
 * commands through {@link Session.call}, so an idle session anywhere locks the screen (and
 * retries the command once unlocked) and an ended session returns to sign-in.
 */
export class Session {
  user = $state<SignedInUser | null>(null);
  appInfo = $state<AppInfo | null>(null);
  /** False until `start` has asked Rust who is signed in. */
  ready = $state(false);
  /** Whether this workstation has an OS credential store for "Remember me" (null: unknown). */
  keyringAvailable = $state<boolean | null>(null);

  view = $state<SignInView>({ name: 'credentials', captcha: null });
  form = $state<SignInForm>(emptyForm());
  newPassword = $state<NewPasswordForm>({ newPassword: '', confirmPassword: '' });
  fieldErrors = $state<Record<string, string>>({});
  /** One message above the form (wrong credentials, unexpected failure). */
  error = $state<Message | null>(null);
  /** Why the user is back on the sign-in screen (timed out, signed out). */
  notice = $state<Message | null>(null);
  busy = $state(false);

  /** The idle lock: the screen stays mounted underneath. */
  locked = $state(false);
  unlockPassword = $state('');
  /** Rust's message for the password field of the lock screen. */
  unlockFieldError = $state<string | null>(null);
  unlockError = $state<Message | null>(null);
  unlocking = $state(false);

  readonly #api: Api;
  readonly #router: Router;
  readonly #forgot: ForgotPassword;
  readonly #onEnd: Array<() => void> = [];
  #unlockWaiters: Array<(unlocked: boolean) => void> = [];

  constructor(api: Api, router: Router, forgot: ForgotPassword) {
    this.#api = api;
    this.#router = router;
    this.#forgot = forgot;
  }

  /** Runs `fn` whenever a session ends or switches organization; used to drop client data. */
  onEnd(fn: () => void): void {
    this.#onEnd.push(fn);
  }

  can(permission: Permission): boolean {
    return this.user?.permissions.includes(permission) ?? false;
  }

  /** Whether the signed-in user may see `route` at all. */
  allows(route: Route): boolean {
    switch (route.name) {
      case 'signIn':
      case 'forgotPassword':
      case 'userAgreement':
        return true;
      case 'accessRequests':
      case 'accessRequestForm':
      case 'organizationUsers':
        return this.can(PERMISSIONS.manageOrganizationUsers);
      case 'accessQueue':
        return this.can(PERMISSIONS.approveAccessRequests);
      case 'accessReview':
        return (
          this.can(PERMISSIONS.approveAccessRequests) ||
          this.can(PERMISSIONS.manageOrganizationUsers)
        );
      case 'home':
      case 'myAccount':
        return this.user !== null;
      case 'syncReview':
        return this.can(PERMISSIONS.searchClients);
      case 'switchOrganization':
        return (this.user?.otherOrganizations.length ?? 0) > 0;
      case 'clientSearch':
        return this.can(PERMISSIONS.searchClients);
      case 'clientRecord':
      case 'clientDemographics':
        return this.can(PERMISSIONS.viewClient);
      case 'addClient':
        return this.can(PERMISSIONS.editDemographics);
      case 'duplicates':
        return this.can(PERMISSIONS.mergeClients);
      case 'adminSupport':
        return this.can(PERMISSIONS.viewSupportTables);
      case 'lotInventory':
      case 'lotUsage':
        return this.can(PERMISSIONS.manageLots);
      case 'verifyRecord':
        return this.can(PERMISSIONS.printRecord);
      case 'printBatch':
        return this.can(PERMISSIONS.printRecord);
      case 'school':
        return this.can(PERMISSIONS.schoolReports);
      case 'coverage':
      case 'recall':
      case 'dosesAdministered':
        return this.can(PERMISSIONS.runReports);
    }
  }

  /** Loads the app info and resumes a session that is still open in Rust. */
  async start(): Promise<void> {
    try {
      const [info, user, remembered] = await Promise.all([
        call(this.#api.appInfo()),
        // The session still open in Rust, or one remembered in the OS keyring after a restart.
        call(this.#api.resumeSession()).catch((err: unknown) => {
          if (isSignedOutError(err)) return null;
          throw err;
        }),
        call(this.#api.rememberedSignIn()).catch(() => null),
      ]);
      this.appInfo = info;
      this.user = user;
      if (remembered) {
        this.keyringAvailable = remembered.keyringAvailable;
        if (remembered.organizationCode && remembered.username && !this.form.organizationCode) {
          this.form = emptyForm(remembered.organizationCode, remembered.username, true);
        }
      }
      this.#router.go(user ? { name: 'home' } : { name: 'signIn' });
    } catch (err) {
      this.error = errorMessage(err);
      this.#router.go({ name: 'signIn' });
    } finally {
      this.ready = true;
    }
  }

  /** Step 1: credentials, with the CAPTCHA answer once one is shown. */
  async signIn(): Promise<void> {
    const { captcha } = this.view.name === 'credentials' ? this.view : { captcha: null };
    const request = {
      organizationCode: this.form.organizationCode,
      username: this.form.username,
      password: this.form.password,
      captcha: captcha ? { challengeId: captcha.id, answer: this.form.captchaAnswer } : null,
      remember: this.form.remember && this.keyringAvailable !== false,
    };
    await this.#step(
      () => this.#api.signIn(request),
      (err) => {
        this.form.password = '';
        this.form.captchaAnswer = '';
        const error = appErrorOf(err);
        switch (error?.code) {
          case 'captcha_required':
            // A CAPTCHA already shown and failed again: say so; the first time, explain.
            this.error = captcha ? { key: 'signIn.captchaFailed' } : null;
            this.view = { name: 'credentials', captcha: error.challenge };
            return true;
          case 'account_locked':
            this.#toForgotPassword({ key: 'forgot.locked' });
            return true;
          case 'temporary_password_expired':
            this.#toForgotPassword({ key: 'forgot.expired' });
            return true;
          default:
            return false;
        }
      },
    );
  }

  /** A fresh CAPTCHA image and question (the "new image" button). */
  async newCaptcha(): Promise<void> {
    if (this.view.name !== 'credentials' || this.busy) return;
    this.busy = true;
    try {
      const challenge = await call(this.#api.newCaptcha());
      this.view = { name: 'credentials', captcha: challenge };
      this.form.captchaAnswer = '';
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  /** Step 2 (temporary password): the new password, twice. */
  async changeTemporaryPassword(): Promise<void> {
    const request = { ...this.newPassword };
    await this.#step(
      () => this.#api.changeTemporaryPassword(request),
      () => {
        this.newPassword = { newPassword: '', confirmPassword: '' };
        return false;
      },
    );
  }

  /** Step 3: "I Agree". */
  async acceptConfidentiality(): Promise<void> {
    await this.#step(() => this.#api.acceptConfidentiality());
  }

  /** Step 4 (several organizations): the one to work for now. */
  async chooseOrganization(organizationCode: string): Promise<void> {
    await this.#step(async () => {
      const result = await this.#api.chooseOrganization({ organizationCode });
      return result.status === 'ok'
        ? { status: 'ok', data: { step: 'signed_in', user: result.data } }
        : result;
    });
  }

  /** Leaves a half-finished sign-in (Cancel on a step): nothing is signed in. */
  async cancelSignIn(): Promise<void> {
    try {
      await call(this.#api.signOut());
    } catch {
      // Abandoning a sign-in that Rust already forgot is still abandoning it.
    }
    const wasStatement = this.view.name === 'confidentiality';
    this.view = { name: 'credentials', captcha: null };
    this.newPassword = { newPassword: '', confirmPassword: '' };
    this.fieldErrors = {};
    this.error = null;
    this.notice = { key: wasStatement ? 'signIn.cancelled' : 'signIn.cancelledStep' };
  }

  /** Opens the User Agreement screen (a prospective user with the emailed request number and
   * code; no sign-in). */
  openUserAgreement(): void {
    this.error = null;
    this.#router.go({ name: 'userAgreement' });
  }

  /** Opens Forgot Password with what the sign-in form holds. */
  forgotPassword(): void {
    this.#toForgotPassword(null);
  }

  /** Switches the signed-in user to another organization; client data is dropped. */
  async switchOrganization(organizationCode: string): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    try {
      const user = await this.call(() => this.#api.chooseOrganization({ organizationCode }));
      for (const fn of this.#onEnd) fn();
      this.user = user;
      this.#router.go({ name: 'home' });
      return true;
    } catch (err) {
      this.error = errorMessage(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  async signOut(): Promise<void> {
    try {
      await call(this.#api.signOut());
    } catch {
      // Signing out of a session that already ended is still signing out.
    }
    this.#end({ key: 'session.signedOut' });
  }

  #lastKeepAlive = 0;

  /**
   * The user typed or pointed: tell Rust (at most every minute, or every third of a short idle
   * limit), so filling in a long form does not lock at the next save.
   */
  activity(): void {
    if (this.user === null || this.locked) return;
    const limitMs = (this.appInfo?.idleSeconds ?? 900) * 1000;
    const now = Date.now();
    if (now - this.#lastKeepAlive < Math.min(60_000, limitMs / 3)) return;
    this.#lastKeepAlive = now;
    void call(this.#api.keepAlive()).catch((err: unknown) => {
      const code = appErrorOf(err)?.code;
      if (code === 'session_expired') this.lock();
      else if (code === 'session_ended') this.#end(errorMessage(err));
    });
  }

  /** Locks the screen (idle): the current screen stays mounted underneath. */
  lock(): void {
    if (this.user === null || this.locked) return;
    this.locked = true;
    this.unlockPassword = '';
    this.unlockFieldError = null;
    this.unlockError = null;
  }

  async unlock(): Promise<void> {
    if (this.unlocking) return;
    this.unlocking = true;
    this.unlockFieldError = null;
    this.unlockError = null;
    try {
      await call(this.#api.unlockSession({ password: this.unlockPassword }));
      this.unlockPassword = '';
      this.locked = false;
      this.#settleUnlock(true);
    } catch (err) {
      this.unlockPassword = '';
      const error = appErrorOf(err);
      const fields = fieldErrors(err);
      if (fields.password) this.unlockFieldError = fields.password;
      else if (error?.code === 'account_locked') this.#end({ key: 'signIn.accountLocked' });
      else if (error?.code === 'not_signed_in') this.#end({ key: 'session.timedOut' });
      else if (error?.code === 'session_ended') this.#end(errorMessage(err));
      else this.unlockError = errorMessage(err);
    } finally {
      this.unlocking = false;
    }
  }

  /**
   * Runs a command like `call`. When the session is idle past its limit the screen locks and
   * the command runs again once unlocked (so the user's action is not lost); a missing session
   * ends the session (back to sign-in with a notice). Other errors reach the caller.
   */
  async call<T>(command: () => Promise<Result<T, AppError>>): Promise<T> {
    for (;;) {
      try {
        return await call(command());
      } catch (err) {
        const code = appErrorOf(err)?.code;
        if (this.user !== null && code === 'session_expired') {
          this.lock();
          if (await new Promise<boolean>((resolve) => this.#unlockWaiters.push(resolve))) continue;
        } else if (this.user !== null && code === 'not_signed_in') {
          this.#end({ key: 'session.timedOut' });
        } else if (this.user !== null && code === 'session_ended') {
          this.#end(errorMessage(err));
        }
        throw err;
      }
    }
  }

  /** Runs one sign-in step; `onError` handles the errors it knows (returns true). */
  async #step(
    command: () => Promise<Result<SignInStep, AppError>>,
    onError: (err: unknown) => boolean = () => false,
  ): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.fieldErrors = {};
    this.error = null;
    this.notice = null;
    try {
      this.#show(await call(command()));
    } catch (err) {
      if (onError(err)) return;
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.fieldErrors = fields;
      else if (appErrorOf(err)?.code === 'not_signed_in' && this.view.name !== 'credentials') {
        // The half-finished sign-in is gone (the app restarted under us): start again.
        this.view = { name: 'credentials', captcha: null };
        this.notice = { key: 'session.timedOut' };
      } else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  #show(step: SignInStep): void {
    this.form.password = '';
    this.form.captchaAnswer = '';
    switch (step.step) {
      case 'change_password':
        this.newPassword = { newPassword: '', confirmPassword: '' };
        this.view = { name: 'changePassword', rules: step.rules };
        break;
      case 'confidentiality':
        this.newPassword = { newPassword: '', confirmPassword: '' };
        this.view = { name: 'confidentiality', statement: step.statement };
        break;
      case 'choose_organization':
        this.view = { name: 'chooseOrganization', organizations: step.organizations };
        break;
      case 'signed_in':
        this.user = step.user;
        this.locked = false;
        this.form = emptyForm(this.form.organizationCode, '', this.form.remember);
        this.view = { name: 'credentials', captcha: null };
        this.#router.go({ name: 'home' });
        break;
    }
  }

  #toForgotPassword(reason: Message | null): void {
    this.#forgot.open(
      { organizationCode: this.form.organizationCode, username: this.form.username },
      reason,
    );
    this.form.password = '';
    this.form.captchaAnswer = '';
    this.view = { name: 'credentials', captcha: null };
    this.error = null;
    this.notice = null;
    this.#router.go({ name: 'forgotPassword' });
  }

  /** Back from Forgot Password to the credentials, with what was typed there. */
  backToSignIn(
    values: { organizationCode: string; username: string },
    notice: Message | null = null,
  ): void {
    this.form = emptyForm(values.organizationCode, values.username);
    this.view = { name: 'credentials', captcha: null };
    this.fieldErrors = {};
    this.error = null;
    this.notice = notice;
    this.#router.go({ name: 'signIn' });
  }

  #settleUnlock(unlocked: boolean): void {
    const waiters = this.#unlockWaiters;
    this.#unlockWaiters = [];
    for (const resolve of waiters) resolve(unlocked);
  }

  #end(notice: Message): void {
    this.user = null;
    this.locked = false;
    this.unlockPassword = '';
    this.#settleUnlock(false);
    this.form.password = '';
    this.form.captchaAnswer = '';
    this.view = { name: 'credentials', captcha: null };
    this.fieldErrors = {};
    this.error = null;
    this.notice = notice;
    for (const fn of this.#onEnd) fn();
    this.#router.go({ name: 'signIn' });
    // Commands that were waiting for an unlock fail now and may write their error into a
    // feature state after the reset above: reset again once they have settled.
    setTimeout(() => {
      if (this.user === null) for (const fn of this.#onEnd) fn();
    }, 0);
  }
}
