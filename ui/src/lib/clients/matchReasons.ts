import type { MessageKey } from '$lib/i18n';

/**
 * The matcher's reasons (`shotbook_core::matching`, English text) mapped to message keys, so a
 * Smart-search result explains itself in the user's language. A reason not listed here is shown
 * as the matcher wrote it.
 */
export const MATCH_REASONS: Record<string, MessageKey> = {
  'DOB exact': 'reason.dobExact',
  'DOB day and month swapped': 'reason.dobSwapped',
  'DOB year off by one': 'reason.dobYearOff',
  'DOB one digit off': 'reason.dobOneDigit',
  'DOB digits transposed': 'reason.dobTransposed',
  'DOB same year and month': 'reason.dobSameMonth',
  'DOB differs': 'reason.dobDiffers',
  'given name exact': 'reason.givenExact',
  'given name is a nickname': 'reason.givenNickname',
  'given name nearly identical': 'reason.givenClose',
  'given name sounds alike': 'reason.givenSounds',
  'given name similar': 'reason.givenSimilar',
  'given name contains the other': 'reason.givenContains',
  'given initial agrees': 'reason.givenInitial',
  'given name differs': 'reason.givenDiffers',
  "given name is the other's middle name": 'reason.givenIsMiddle',
  'given name is a placeholder (Baby Girl …)': 'reason.givenPlaceholder',
  'first and last names swapped': 'reason.namesSwapped',
  'surname exact': 'reason.surnameExact',
  'surname nearly identical': 'reason.surnameClose',
  'surname sounds alike': 'reason.surnameSounds',
  'surname similar': 'reason.surnameSimilar',
  'surname hyphenated or changed': 'reason.surnameChanged',
  'surname initial agrees': 'reason.surnameInitial',
  'surname differs': 'reason.surnameDiffers',
  'sex agrees': 'reason.sexAgrees',
  'sex differs': 'reason.sexDiffers',
  'middle initial agrees': 'reason.middleAgrees',
  'middle initial differs': 'reason.middleDiffers',
  "mother's maiden name agrees": 'reason.maidenAgrees',
  "mother's maiden name differs": 'reason.maidenDiffers',
  'ZIP agrees': 'reason.zipAgrees',
  'ZIP differs': 'reason.zipDiffers',
  'street address agrees': 'reason.streetAgrees',
  'street address differs': 'reason.streetDiffers',
};
