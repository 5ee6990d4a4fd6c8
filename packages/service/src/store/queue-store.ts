/**
 * What matching keeps: reports of random pairs (which are then never paired again) and the tickets customers
 * leave for a support queue. One implementation over Kysely for every dialect; the conformance suite in
 * `test/store` runs it on each. Tickets hold what customers typed, contact details included: never log them.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ReportReason } from '@vcw/shared';
import { sortableId } from './ids.js';
import { newestFirstPage } from './paging.js';
import type { Database, SupportTicketsTable } from './schema.js';

/** One side of a reported pair: the connection, and the widget's visitor id when it sent one. */
export interface ReportedParty {
  peerId: string;
  visitorId: string | null;
}

export interface NewMatchReport {
  projectId: string;
  queue: string;
  reporter: ReportedParty;
  reported: ReportedParty;
  reason: ReportReason;
  note: string | null;
}

export interface MatchReport extends NewMatchReport {
  id: string;
  createdAt: string;
}

/** Two parties that must never be paired again (in either order). */
export interface BlockedPair {
  reporter: ReportedParty;
  reported: ReportedParty;
}

export interface NewSupportTicket {
  projectId: string;
  queue: string;
  message: string;
  displayName: string | null;
  contact: string | null;
  peerId: string | null;
}

export type TicketStatus = 'open' | 'closed';

export interface StoredTicket extends NewSupportTicket {
  id: string;
  createdAt: string;
  status: TicketStatus;
  assignee: string | null;
  updatedAt: string | null;
}

/** A change to a ticket: the fields given (`assignee: null` unassigns). */
export interface TicketChange {
  status?: TicketStatus;
  assignee?: string | null;
}

export class QueueStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createReport(input: NewMatchReport): Promise<MatchReport> {
    const report: MatchReport = { ...input, id: sortableId('rep'), createdAt: new Date().toISOString() };
    await this.db
      .insertInto('match_reports')
      .values({
        id: report.id,
        project_id: report.projectId,
        queue: report.queue,
        reporter_peer_id: report.reporter.peerId,
        reporter_visitor_id: report.reporter.visitorId,
        reported_peer_id: report.reported.peerId,
        reported_visitor_id: report.reported.visitorId,
        reason: report.reason,
        note: report.note,
        created_at: report.createdAt,
      })
      .execute();
    return report;
  }

  /** Every reported pair of a project, whatever queue it was reported in. */
  async blockedPairs(projectId: string): Promise<BlockedPair[]> {
    const rows = await this.db
      .selectFrom('match_reports')
      .select(['reporter_peer_id', 'reporter_visitor_id', 'reported_peer_id', 'reported_visitor_id'])
      .where('project_id', '=', projectId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      reporter: { peerId: row.reporter_peer_id, visitorId: row.reporter_visitor_id },
      reported: { peerId: row.reported_peer_id, visitorId: row.reported_visitor_id },
    }));
  }

  async createTicket(input: NewSupportTicket): Promise<StoredTicket> {
    const ticket: StoredTicket = {
      ...input,
      id: sortableId('tkt'),
      createdAt: new Date().toISOString(),
      status: 'open',
      assignee: null,
      updatedAt: null,
    };
    await this.db
      .insertInto('support_tickets')
      .values({
        id: ticket.id,
        project_id: ticket.projectId,
        queue: ticket.queue,
        display_name: ticket.displayName,
        message: ticket.message,
        contact: ticket.contact,
        peer_id: ticket.peerId,
        created_at: ticket.createdAt,
      })
      .execute();
    return ticket;
  }

  /** A queue's tickets (of one status, if given), newest first; `cursor` is the opaque `nextCursor` of the previous page. */
  async listTickets(
    projectId: string,
    queue: string,
    { limit, cursor, status }: { limit: number; cursor?: string | undefined; status?: TicketStatus | undefined },
  ): Promise<{ tickets: StoredTicket[]; nextCursor: string | null }> {
    let query = this.db
      .selectFrom('support_tickets')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('queue', '=', queue);
    if (status) query = query.where('status', '=', status);
    const { rows: page, nextCursor } = await newestFirstPage(query, 'created_at', { limit, cursor });
    return { tickets: page.map(toTicket), nextCursor };
  }

  /** How many tickets a queue holds. */
  async countTickets(projectId: string, queue: string): Promise<number> {
    const row = await this.db
      .selectFrom('support_tickets')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('project_id', '=', projectId)
      .where('queue', '=', queue)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Deletes the tickets left before `before` (their retention is over); how many. */
  async deleteTicketsBefore(before: Date): Promise<number> {
    const deleted = await this.db
      .deleteFrom('support_tickets')
      .where('created_at', '<', before.toISOString())
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  /** Changes a ticket of the queue; the ticket as it is now, or null if the queue has no such ticket. */
  async updateTicket(projectId: string, queue: string, id: string, change: TicketChange): Promise<StoredTicket | null> {
    const result = await this.db
      .updateTable('support_tickets')
      .set({
        ...(change.status ? { status: change.status } : {}),
        ...(change.assignee !== undefined ? { assignee: change.assignee } : {}),
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .where('project_id', '=', projectId)
      .where('queue', '=', queue)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return null;
    const row = await this.db.selectFrom('support_tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return toTicket(row);
  }
}

function toTicket(row: Selectable<SupportTicketsTable>): StoredTicket {
  return {
    id: row.id,
    projectId: row.project_id,
    queue: row.queue,
    message: row.message,
    displayName: row.display_name,
    contact: row.contact,
    peerId: row.peer_id,
    createdAt: row.created_at,
    status: row.status,
    assignee: row.assignee,
    updatedAt: row.updated_at,
  };
}
