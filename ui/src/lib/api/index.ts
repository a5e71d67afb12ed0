/**
 * The transport layer: the generated command object and its types, plus the `call` helpers.
 * Only this folder may import `./bindings` or `@tauri-apps/api` (enforced by ESLint).
 */
import { commands } from './bindings';

export type {
  AppError,
  AppInfo,
  ClientDetails,
  ClientRecord,
  ClientSummary,
  FieldIssue,
  GetClientRequest,
  ImmunizationEntry,
  Manufacturer,
  Result,
  SearchClientsRequest,
  SearchClientsResponse,
  SignInRequest,
  SignedInUser,
  TradeName,
  VaccineCode,
  VaccineGroup,
  VaccineGroupMember,
} from './bindings';
export { call, CommandError, fieldErrors, isSignedOutError, appErrorOf } from './call';

/**
 * The command surface the UI depends on. The Tauri build passes the generated `commands`;
 * tests pass a fake with the same shape.
 */
export type Api = typeof commands;

/** The real commands, talking to Rust over Tauri IPC. */
export const tauriApi: Api = commands;
