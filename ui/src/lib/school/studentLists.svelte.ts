import {
  fieldErrors,
  type Api,
  type ClientSummary,
  type RosterImportResult,
  type SchoolReport,
  type StudentCompliance,
  type StudentList,
} from '$lib/api';
import { errorMessage } from '$lib/app/messages';
import type { Session } from '$lib/auth/session.svelte';
import type { Message } from '$lib/i18n';

/** What the school keeps about a student, as the edit form holds it (typed text kept on error). */
export type StudentForm = {
  grade: string;
  exemptionKind: string;
  exemptionSignedOn: string;
  exemptionLifelong: boolean;
  exemptionVaccines: string[];
  provisionalBasis: string;
  provisionalSince: string;
};

const emptyForm = (): StudentForm => ({
  grade: '',
  exemptionKind: '',
  exemptionSignedOn: '',
  exemptionLifelong: false,
  exemptionVaccines: [],
  provisionalBasis: '',
  provisionalSince: '',
});

function formOf(student: StudentCompliance): StudentForm {
  return {
    grade: student.grade ?? '',
    exemptionKind: student.exemption?.kind ?? '',
    exemptionSignedOn: student.exemption?.signedOn ?? '',
    exemptionLifelong: student.exemption?.lifelong ?? false,
    exemptionVaccines: [...(student.exemption?.vaccines ?? [])],
    provisionalBasis: student.provisional?.basis ?? '',
    provisionalSince: student.provisional?.since ?? '',
  };
}

/**
 * The school module: the facility's student lists, the open list's compliance report, Find
 * student to add one, roster import, a student's grade / exemption / provisional enrolment,
 * and the CSV export. What a school may reach and see is decided in Rust; this only keeps the
 * screen's state.
 */
export class StudentListsState {
  lists = $state<StudentList[] | null>(null);
  selectedId = $state<string | null>(null);
  report = $state<SchoolReport | null>(null);
  asOf = $state('');
  asOfError = $state<string | null>(null);
  error = $state<Message | null>(null);
  notice = $state<Message | null>(null);
  loading = $state(false);
  busy = $state(false);

  creating = $state(false);
  newName = $state('');
  newSetting = $state('school');
  createErrors = $state<Record<string, string>>({});

  renaming = $state(false);
  renameName = $state('');
  renameError = $state<string | null>(null);

  findLast = $state('');
  findFirst = $state('');
  findDob = $state('');
  findGrade = $state('');
  findErrors = $state<Record<string, string>>({});
  found = $state<ClientSummary[] | null>(null);

  rosterOpen = $state(false);
  rosterText = $state('');
  rosterError = $state<string | null>(null);
  imported = $state<RosterImportResult | null>(null);

  /** The student whose details are being edited. */
  editing = $state<StudentCompliance | null>(null);
  form = $state<StudentForm>(emptyForm());
  formErrors = $state<Record<string, string>>({});

  readonly #api: Api;
  readonly #session: Session;

  constructor(api: Api, session: Session) {
    this.#api = api;
    this.#session = session;
  }

  get selected(): StudentList | null {
    return this.lists?.find((l) => l.id === this.selectedId) ?? null;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.lists = await this.#session.call(() => this.#api.studentLists());
      const first = this.lists[0];
      if (!this.selected && first) await this.open(first.id);
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }

  async open(listId: string): Promise<void> {
    this.selectedId = listId;
    this.report = null;
    this.found = null;
    this.imported = null;
    this.editing = null;
    this.renaming = false;
    this.notice = null;
    await this.refresh();
  }

  /** Re-runs the open list's report (as of the chosen day, today when empty). */
  async refresh(): Promise<void> {
    const listId = this.selectedId;
    if (!listId) return;
    this.error = null;
    this.asOfError = null;
    try {
      this.report = await this.#session.call(() =>
        this.#api.schoolReport({ listId, asOf: this.asOf }),
      );
      this.#updateCount(this.report.list);
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.asOf) this.asOfError = fields.asOf;
      else this.error = errorMessage(err);
    }
  }

  #updateCount(list: StudentList): void {
    if (this.lists) this.lists = this.lists.map((l) => (l.id === list.id ? list : l));
  }

  startCreate(): void {
    this.creating = true;
    this.newName = '';
    this.newSetting = 'school';
    this.createErrors = {};
  }

  async create(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.createErrors = {};
    try {
      const list = await this.#session.call(() =>
        this.#api.createStudentList({ name: this.newName, setting: this.newSetting }),
      );
      this.lists = [...(this.lists ?? []), list].sort((a, b) =>
        a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }),
      );
      this.creating = false;
      await this.open(list.id);
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.createErrors = fields;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  startRename(): void {
    this.renaming = true;
    this.renameName = this.selected?.name ?? '';
    this.renameError = null;
  }

  async rename(): Promise<void> {
    const listId = this.selectedId;
    if (!listId || this.busy) return;
    this.busy = true;
    this.renameError = null;
    try {
      await this.#session.call(() =>
        this.#api.renameStudentList({ listId, name: this.renameName }),
      );
      this.renaming = false;
      this.lists = await this.#session.call(() => this.#api.studentLists());
      await this.refresh();
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.name) this.renameError = fields.name;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  /** Find student: last name, first name and date of birth, as a facility searches. */
  async find(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.findErrors = {};
    this.found = null;
    try {
      const answer = await this.#session.call(() =>
        this.#api.searchClients({
          lastName: this.findLast,
          firstName: this.findFirst,
          dateOfBirth: this.findDob,
        }),
      );
      this.found = answer.clients;
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.findErrors = fields;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  /** Puts a found client on the open list with the grade typed beside Find student. */
  async add(clientId: string, grade = this.findGrade): Promise<void> {
    const listId = this.selectedId;
    if (!listId || this.busy) return;
    this.busy = true;
    this.findErrors = {};
    try {
      const added = await this.#session.call(() =>
        this.#api.putStudent({ ...emptyForm(), listId, clientId, grade }),
      );
      this.notice = { key: added ? 'school.added' : 'school.alreadyOnList' };
      this.found = null;
      this.findLast = '';
      this.findFirst = '';
      this.findDob = '';
      await this.refresh();
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.grade) this.findErrors = { grade: fields.grade };
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  async remove(clientId: string): Promise<void> {
    const listId = this.selectedId;
    if (!listId || this.busy) return;
    this.busy = true;
    try {
      await this.#session.call(() => this.#api.removeStudent({ listId, clientId }));
      this.notice = { key: 'school.removed' };
      if (this.editing?.clientId === clientId) this.editing = null;
      await this.refresh();
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  startEdit(student: StudentCompliance): void {
    this.editing = student;
    this.form = formOf(student);
    this.formErrors = {};
  }

  cancelEdit(): void {
    this.editing = null;
    this.formErrors = {};
  }

  toggleVaccine(code: string): void {
    const has = this.form.exemptionVaccines.includes(code);
    this.form.exemptionVaccines = has
      ? this.form.exemptionVaccines.filter((v) => v !== code)
      : [...this.form.exemptionVaccines, code];
  }

  /** Saves the edited student; on a refusal the form keeps what was typed. */
  async saveEdit(): Promise<void> {
    const listId = this.selectedId;
    const student = this.editing;
    if (!listId || !student || this.busy) return;
    this.busy = true;
    this.formErrors = {};
    try {
      await this.#session.call(() =>
        this.#api.putStudent({ ...this.form, listId, clientId: student.clientId }),
      );
      this.editing = null;
      this.notice = { key: 'school.saved' };
      await this.refresh();
    } catch (err) {
      const fields = fieldErrors(err);
      if (Object.keys(fields).length > 0) this.formErrors = fields;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  openRoster(): void {
    this.rosterOpen = true;
    this.notice = null;
    this.rosterError = null;
    this.imported = null;
  }

  async importRoster(): Promise<void> {
    const listId = this.selectedId;
    if (!listId || this.busy) return;
    this.busy = true;
    this.rosterError = null;
    this.notice = null;
    try {
      this.imported = await this.#session.call(() =>
        this.#api.importRoster({ listId, roster: this.rosterText }),
      );
      this.rosterOpen = false;
      this.rosterText = '';
      await this.refresh();
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.roster) this.rosterError = fields.roster;
      else this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  /** Adds a candidate the user picked for a roster line the import could not settle. */
  async pickCandidate(line: number, clientId: string, grade: string | null): Promise<void> {
    await this.add(clientId, grade ?? '');
    if (this.imported && !this.error) {
      this.imported = {
        ...this.imported,
        lines: this.imported.lines.map((l) =>
          l.line === line ? { ...l, outcome: 'added', clientId, candidates: [] } : l,
        ),
        added: this.imported.added + 1,
        toReview: Math.max(0, this.imported.toReview - 1),
      };
    }
  }

  /** The language of the parent letters (`en`, `es`). */
  lettersLanguage = $state('en');

  async printLetters(): Promise<void> {
    const listId = this.selectedId;
    if (!listId || this.busy) return;
    this.busy = true;
    try {
      const saved = await this.#session.call(() =>
        this.#api.saveParentLetters({ listId, asOf: this.asOf, language: this.lettersLanguage }),
      );
      if (saved)
        this.notice =
          saved.rows === 0
            ? { key: 'school.noLetters' }
            : { key: 'school.lettersSaved', params: { path: saved.path, rows: saved.rows } };
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  async exportCsv(): Promise<void> {
    const listId = this.selectedId;
    if (!listId || this.busy) return;
    this.busy = true;
    try {
      const saved = await this.#session.call(() =>
        this.#api.saveSchoolReportCsv({ listId, asOf: this.asOf }),
      );
      if (saved)
        this.notice = { key: 'school.exported', params: { path: saved.path, rows: saved.rows } };
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    this.lists = null;
    this.selectedId = null;
    this.report = null;
    this.asOf = '';
    this.error = null;
    this.notice = null;
    this.found = null;
    this.imported = null;
    this.editing = null;
    this.rosterText = '';
    this.creating = false;
    this.renaming = false;
  }
}
