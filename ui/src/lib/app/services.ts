import { createContext } from 'svelte';
import type { Api } from '$lib/api';
import { Session } from '$lib/auth/session.svelte';
import { ClientRecordState } from '$lib/clients/clientRecord.svelte';
import { ClientSearch } from '$lib/clients/clientSearch.svelte';
import { SupportTables } from '$lib/support/supportTables.svelte';
import { Router } from './router.svelte';

/** Everything the screens use, built once per app from one command object. */
export type Services = {
  router: Router;
  session: Session;
  clientSearch: ClientSearch;
  clientRecord: ClientRecordState;
  supportTables: SupportTables;
};

/**
 * Builds the feature states over `api`: the generated Tauri `commands` in the app, a fake in
 * tests. Client data is dropped whenever the session ends.
 */
export function createServices(api: Api): Services {
  const router = new Router();
  const session = new Session(api, router);
  const clientSearch = new ClientSearch(api, session, router);
  const clientRecord = new ClientRecordState(api, session);
  const supportTables = new SupportTables(api, session);
  session.onEnd(() => {
    clientSearch.reset();
    clientRecord.reset();
    supportTables.reset();
  });
  return { router, session, clientSearch, clientRecord, supportTables };
}

export const [getRouter, setRouter] = createContext<Router>();
export const [getSession, setSession] = createContext<Session>();
export const [getClientSearch, setClientSearch] = createContext<ClientSearch>();
export const [getClientRecord, setClientRecord] = createContext<ClientRecordState>();
export const [getSupportTables, setSupportTables] = createContext<SupportTables>();

/** Puts every service into context. Call during a component's initialisation. */
export function provideServices(services: Services): void {
  setRouter(services.router);
  setSession(services.session);
  setClientSearch(services.clientSearch);
  setClientRecord(services.clientRecord);
  setSupportTables(services.supportTables);
}
