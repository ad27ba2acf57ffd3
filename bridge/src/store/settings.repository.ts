import type { Db } from './database.ts';

/** Settings changed through the API: one JSON document per section. */
export class SettingsRepository {
  private readonly upsert;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(`
      INSERT INTO settings (section, value, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (section) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  }

  all(): Map<string, Record<string, unknown>> {
    const rows = this.db.prepare('SELECT section, value FROM settings').all() as { section: string; value: string }[];
    return new Map(rows.map((row) => [row.section, JSON.parse(row.value) as Record<string, unknown>]));
  }

  save(section: string, value: Record<string, unknown>): void {
    this.upsert.run(section, JSON.stringify(value), Date.now());
  }
}
