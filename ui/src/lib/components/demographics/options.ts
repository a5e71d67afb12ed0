import type { CodeName, DemographicCodes } from '$lib/api';
import { t, type MessageKey } from '$lib/i18n';

export type Option = { value: string; label: string };

/** Code lists as select options ("MT — Montana" style labels keep the code visible). */
export const codeOptions = (list: readonly CodeName[] | undefined, showCode = false): Option[] =>
  (list ?? []).map((c) => ({ value: c.code, label: showCode ? `${c.code} — ${c.name}` : c.name }));

export const genderOptions = (): Option[] =>
  (['F', 'M', 'X', 'U'] as const).map((g) => ({ value: g, label: t(`gender.${g}`) }));

export const yesNoOptions = (): Option[] => [
  { value: 'yes', label: t('field.yes') },
  { value: 'no', label: t('field.no') },
];

export const consentStatusOptions = (): Option[] =>
  (['granted', 'not_granted', 'withdrawn'] as const).map((s) => ({
    value: s,
    label: t(`consent.status.${s}`),
  }));

export const consentMethodOptions = (): Option[] =>
  (['verbal', 'written'] as const).map((m) => ({ value: m, label: t(`consent.method.${m}`) }));

const translated = (prefix: string, code: string): string => {
  const key = `${prefix}.${code}` as MessageKey;
  const text = t(key);
  return text === key ? code : text;
};

export const relationshipLabel = (code: string) => translated('relationship', code);
export const statusLabel = (code: string) => translated('pcStatus', code);
export const nameKindLabel = (code: string) => translated('nameKind', code);
export const categoryLabel = (code: string) => translated('comment.category', code);

export const relationshipOptions = (codes: DemographicCodes | null): Option[] =>
  (codes?.relationships ?? []).map((r) => ({ value: r, label: relationshipLabel(r) }));

export const statusOptions = (codes: DemographicCodes | null): Option[] =>
  (codes?.providerClientStatuses ?? []).map((s) => ({ value: s, label: statusLabel(s) }));

export const nameKindOptions = (): Option[] =>
  (['previous', 'alias', 'birth'] as const).map((k) => ({ value: k, label: nameKindLabel(k) }));

export const commentOptions = (codes: DemographicCodes | null): Option[] =>
  (codes?.commentCodes ?? []).map((c) => ({
    value: c.code,
    label: `${categoryLabel(c.category)}: ${c.label}`,
  }));

/** The name of a code in a list, or the code itself. */
export const nameOf = (list: readonly CodeName[] | undefined, code: string): string =>
  list?.find((c) => c.code === code)?.name ?? code;
