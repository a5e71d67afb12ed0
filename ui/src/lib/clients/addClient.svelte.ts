import {
  fieldErrors,
  type AddressFields,
  type Api,
  type ConsentFields,
  type LikelyMatch,
  type PersonalFields,
  type ResponsiblePersonFields,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Router } from '$lib/app/router.svelte';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';
import { emptyAddress, emptyPerson, emptyPersonal, newConsent } from './demographics.svelte';

/**
 * Adding a client: the form, then Smart search's likely matches (open one of them, or confirm a
 * new person). Nothing typed is lost when Rust refuses the form.
 */
export class AddClientState {
  personal = $state<PersonalFields>(emptyPersonal());
  address = $state<AddressFields>(emptyAddress());
  guardian = $state<ResponsiblePersonFields>(emptyPerson());
  consent = $state<ConsentFields>(newConsent());

  /** Likely matches of the last check; null before checking. */
  matches = $state<LikelyMatch[] | null>(null);
  errors = $state<Record<string, string>>({});
  error = $state<Message | null>(null);
  submitting = $state(false);

  readonly #api: Api;
  readonly #session: Session;
  readonly #router: Router;

  constructor(api: Api, session: Session, router: Router) {
    this.#api = api;
    this.#session = session;
    this.#router = router;
  }

  /** Checks for existing records, then adds the client if none (or `confirmed`). */
  async submit(confirmed = false): Promise<void> {
    if (this.submitting) return;
    this.submitting = true;
    this.errors = {};
    this.error = null;
    const request = {
      personal: { ...this.personal },
      address: { ...this.address },
      guardian: { ...this.guardian },
      consent: { ...this.consent },
      confirmedNewPerson: confirmed,
    };
    try {
      const outcome = await this.#session.call(() => this.#api.addClient(request));
      if (outcome.outcome === 'likely_matches') {
        this.matches = outcome.matches;
      } else {
        this.clear();
        this.#router.go({ name: 'clientRecord', clientId: outcome.clientId });
      }
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.errors = fields;
      else this.error = errorMessage(err);
      this.matches = null;
    } finally {
      this.submitting = false;
    }
  }

  /** Opens an existing record instead of adding a duplicate. */
  useExisting(clientId: string): void {
    this.clear();
    this.#router.go({ name: 'clientRecord', clientId });
  }

  /** Any change to the form makes the last matches stale. */
  edited(): void {
    this.matches = null;
  }

  clear(): void {
    this.personal = emptyPersonal();
    this.address = emptyAddress();
    this.guardian = emptyPerson();
    this.consent = newConsent();
    this.matches = null;
    this.errors = {};
    this.error = null;
  }

  reset(): void {
    this.clear();
    this.submitting = false;
  }
}
