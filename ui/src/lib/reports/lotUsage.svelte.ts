import type { Api, LotUsageView } from '$lib/api';
import type { Session } from '$lib/auth/session.svelte';
import { PeriodReportState } from './period.svelte';

/** The lot usage and wastage report over a period. */
export class LotUsageState extends PeriodReportState<LotUsageView> {
  constructor(api: Api, session: Session) {
    super(session, (period) => api.lotUsageReport(period));
  }
}
