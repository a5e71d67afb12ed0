import { render } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { Api, SignedInUser } from '$lib/api';
import type { Route } from '$lib/app/router.svelte';
import { createServices, type Services } from '$lib/app/services';
import { i18n } from '$lib/i18n';
import Provide from './Provide.svelte';
import { demoInfo, fakeApi } from './fakeApi';

type Options<P> = {
  api?: Api;
  user?: SignedInUser | null;
  route?: Route;
  props?: P;
  /** Reuse services from an earlier render (coming back to a screen). */
  services?: Services;
};

/**
 * Renders `component` with every service in context, built over a fake command object, as if
 * `user` were signed in and the router were at `route`.
 */
export function renderWithServices<P extends Record<string, unknown>>(
  component: Component<P>,
  { api = fakeApi(), user = null, route, props = {} as P, services: reuse }: Options<P> = {},
) {
  const services = reuse ?? createServices(api);
  if (!reuse) {
    i18n.set('en');
    services.session.appInfo = demoInfo;
    services.session.user = user;
    services.session.ready = true;
  }
  if (route) services.router.go(route);
  const result = render(Provide<P>, { props: { services, component, props } });
  return { ...result, services, api };
}
