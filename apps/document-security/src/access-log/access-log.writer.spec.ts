import { DataSource, EntityManager } from 'typeorm';
import { checkChain, GENESIS_HASH, StoredEntry } from './access-log-chain';
import { AccessLogEntry, AccessLogWriter } from './access-log.writer';

type Row = StoredEntry;

/**
 * Just enough of PostgreSQL for the writer's statements: heads, rows, transactions that roll back on error, and a
 * turn of the event loop per statement so that concurrent appends meet.
 */
class FakeDb {
  heads = new Map<string, { seq: number; hash: string }>();
  rows: Row[] = [];
  transactions = 0;

  private async query(sql: string, p: unknown[]): Promise<unknown[]> {
    await new Promise((r) => setImmediate(r));
    const s = sql.replace(/\s+/g, ' ').trim();
    if (s.startsWith('INSERT INTO access_log_heads')) {
      if (!this.heads.has(p[0] as string)) this.heads.set(p[0] as string, { seq: 0, hash: p[1] as string });
      return [];
    }
    if (s.startsWith('SELECT seq, hash FROM access_log_heads')) {
      const h = this.heads.get(p[0] as string);
      return h ? [{ seq: String(h.seq), hash: h.hash }] : [];
    }
    if (s.startsWith('SELECT id FROM access_log WHERE id = ANY')) {
      const ids = p[0] as string[];
      return this.rows.filter((r) => ids.includes(r.id)).map((r) => ({ id: r.id }));
    }
    if (s.startsWith('INSERT INTO access_log')) {
      const [ws, ids, seqs, members, actions, subjects, docs, details, ats, prevs, hashes] = p as [
        string,
        ...unknown[][],
      ];
      ids.forEach((id, i) => {
        if (String(details[i]).includes('boom')) throw new Error('invalid input syntax');
        this.rows.push({
          id: id as string,
          workspaceId: ws,
          seq: seqs[i] as number,
          memberId: members[i] as string,
          action: actions[i] as string,
          subject: subjects[i] as string,
          documentId: docs[i] as string | null,
          details: JSON.parse(details[i] as string) as unknown,
          at: ats[i] as string,
          prevHash: prevs[i] as string,
          hash: hashes[i] as string,
        });
      });
      return [];
    }
    if (s.startsWith('UPDATE access_log_heads')) {
      this.heads.set(p[0] as string, { seq: p[1] as number, hash: p[2] as string });
      return [];
    }
    throw new Error(`unexpected statement ${s}`);
  }

  dataSource(): DataSource {
    return {
      transaction: async <T>(fn: (m: EntityManager) => Promise<T>): Promise<T> => {
        this.transactions++;
        const saved = { heads: new Map(this.heads), rows: [...this.rows] };
        try {
          return await fn({
            query: (sql: string, p: unknown[]) => this.query(sql, p),
          } as unknown as EntityManager);
        } catch (e) {
          this.heads = saved.heads;
          this.rows = saved.rows;
          throw e;
        }
      },
    } as unknown as DataSource;
  }

  chain(workspaceId: string): Row[] {
    return this.rows.filter((r) => r.workspaceId === workspaceId).sort((a, b) => a.seq - b.seq);
  }
}

const WS1 = '00000000-0000-4000-8000-000000000001';
const WS2 = '00000000-0000-4000-8000-000000000002';
const entry = (workspaceId: string, i: number, extra: Partial<AccessLogEntry> = {}): AccessLogEntry => ({
  workspaceId,
  memberId: `m${i}`,
  action: 'view',
  subject: 'document',
  documentId: null,
  details: { n: i },
  ...extra,
});

describe('AccessLogWriter: concurrent appends of a workspace are written together, the chain unbroken', () => {
  it('writes 50 concurrent appends in a few transactions, in arrival order, one link after the other', async () => {
    const db = new FakeDb();
    const writer = new AccessLogWriter(db.dataSource());
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => writer.append(entry(WS1, i))));
    const chain = db.chain(WS1);
    expect(new Set(ids).size).toBe(50);
    expect(chain.map((r) => r.id)).toEqual(ids);
    expect(chain.map((r) => r.memberId)).toEqual(ids.map((_, i) => `m${i}`));
    expect(checkChain(chain, { seq: 0, hash: GENESIS_HASH })).toMatchObject({
      ok: true,
      cursor: { seq: 50 },
    });
    expect(db.heads.get(WS1)).toEqual({ seq: 50, hash: chain[49].hash });
    // The first append runs alone; the 49 that arrived meanwhile go in the next transaction.
    expect(db.transactions).toBe(2);
  });

  it('keeps one chain per workspace', async () => {
    const db = new FakeDb();
    const writer = new AccessLogWriter(db.dataSource());
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer.append(entry(i % 2 ? WS2 : WS1, i))));
    for (const ws of [WS1, WS2])
      expect(checkChain(db.chain(ws), { seq: 0, hash: GENESIS_HASH })).toMatchObject({
        ok: true,
        cursor: { seq: 10 },
      });
  });

  it('fails only the entry that fails: the others of its batch are written on their own', async () => {
    const db = new FakeDb();
    const writer = new AccessLogWriter(db.dataSource());
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        writer.append(entry(WS1, i, i === 3 ? { details: { boom: 1 } } : {})),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const chain = db.chain(WS1);
    expect(chain.map((r) => r.memberId)).toEqual(['m0', 'm1', 'm2', 'm4', 'm5']);
    expect(checkChain(chain, { seq: 0, hash: GENESIS_HASH })).toMatchObject({ ok: true, cursor: { seq: 5 } });
  });

  it('writes an entry with a given id once, in one batch or across calls', async () => {
    const db = new FakeDb();
    const writer = new AccessLogWriter(db.dataSource());
    const id = '00000000-0000-4000-8000-0000000000aa';
    const first = await Promise.all([
      writer.append(entry(WS1, 0)),
      writer.append(entry(WS1, 1, { id })),
      writer.append(entry(WS1, 2, { id })),
    ]);
    expect(first.slice(1)).toEqual([id, id]);
    expect(await writer.append(entry(WS1, 3, { id }))).toBe(id);
    expect(db.chain(WS1).filter((r) => r.id === id)).toHaveLength(1);
    expect(checkChain(db.chain(WS1), { seq: 0, hash: GENESIS_HASH })).toMatchObject({
      ok: true,
      cursor: { seq: 2 },
    });
  });
});
