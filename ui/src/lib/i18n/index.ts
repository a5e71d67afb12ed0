export { i18n, t, tm, plural, interpolate, LOCALES, messages } from './locale.svelte';
export type { Locale, Message, MessageKey, MessageParams } from './locale.svelte';
