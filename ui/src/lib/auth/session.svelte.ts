import {
  call,
  fieldErrors,
  isSignedOutError,
  type Api,
  type AppInfo,
  type Result,
  type AppError,
  type SignedInUser,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Route, Router } from '$lib/app/router.svelte';
import type { Message } from '$lib/i18n';
import { PERMISSIONS, type Permission } from './permissions';

/** What the sign-in form holds. */
export type SignInForm = { organizationCode: string; username: string; password: string };

/**
 * Who is signed in, and the sign-in / sign-out / expiry flow. Every other feature sends its
 * commands through {@link Session.call}, so an expired session anywhere returns to sign-in.
 */
export class Session {
  user = $state<SignedInUser | null>(null);
  appInfo = $state<AppInfo | null>(null);
  /** False until `start` has asked Rust who is signed in. */
  ready = $state(false);

  form = $state<SignInForm>({ organizationCode: '', username: '', password: '' });
  fieldErrors = $state<Record<string, string>>({});
  /** One message above the form (wrong credentials, unexpected failure). */
  error = $state<Message | null>(null);
  /** Why the user is back on the sign-in screen (timed out, signed out). */
  notice = $state<Message | null>(null);
  busy = $state(false);

  readonly #api: Api;
  readonly #router: Router;
  readonly #onEnd: Array<() => void> = [];

  constructor(api: Api, router: Router) {
    this.#api = api;
    this.#router = router;
  }

  /** Runs `fn` whenever a session ends (sign-out or expiry); used to drop client data. */
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
        return true;
      case 'home':
        return this.user !== null;
      case 'clientSearch':
        return this.can(PERMISSIONS.searchClients);
      case 'clientRecord':
        return this.can(PERMISSIONS.viewClient);
      case 'adminSupport':
        return this.can(PERMISSIONS.viewSupportTables);
    }
  }

  /** Loads the app info and resumes a session that is still open in Rust. */
  async start(): Promise<void> {
    try {
      const [info, user] = await Promise.all([
        call(this.#api.appInfo()),
        call(this.#api.currentUser()).catch((err: unknown) => {
          if (isSignedOutError(err)) return null;
          throw err;
        }),
      ]);
      this.appInfo = info;
      this.user = user;
      this.#router.go(user ? { name: 'home' } : { name: 'signIn' });
    } catch (err) {
      this.error = errorMessage(err);
      this.#router.go({ name: 'signIn' });
    } finally {
      this.ready = true;
    }
  }

  async signIn(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.fieldErrors = {};
    this.error = null;
    this.notice = null;
    try {
      const user = await call(this.#api.signIn({ ...this.form }));
      this.user = user;
      this.form = { organizationCode: this.form.organizationCode, username: '', password: '' };
      this.#router.go({ name: 'home' });
    } catch (err) {
      this.form.password = '';
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.fieldErrors = fields;
      else this.error = errorMessage(err);
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

  /**
   * Unwraps a command result like `call`, but an expired or missing session ends the session
   * (back to sign-in with a notice) before the error reaches the caller.
   */
  async call<T>(pending: Promise<Result<T, AppError>>): Promise<T> {
    try {
      return await call(pending);
    } catch (err) {
      if (isSignedOutError(err) && this.user !== null) this.#end({ key: 'session.timedOut' });
      throw err;
    }
  }

  #end(notice: Message): void {
    this.user = null;
    this.form.password = '';
    this.fieldErrors = {};
    this.error = null;
    this.notice = notice;
    for (const fn of this.#onEnd) fn();
    this.#router.go({ name: 'signIn' });
  }
}
