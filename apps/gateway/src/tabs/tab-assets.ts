import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The tabs' scripts and styles, read once at start-up from `assets/` beside this file (copied by the build). */
@Injectable()
export class TabAssets {
  private readonly files = new Map<string, { body: Buffer; contentType: string }>();
  /** A hash of every asset: the pages ask for `?v=<version>`, so a new release is never served stale. */
  readonly version: string;

  constructor() {
    const dir = path.join(__dirname, 'assets');
    const hash = createHash('sha256');
    const types: Record<string, string> = {
      '.js': 'text/javascript; charset=utf-8',
      '.css': 'text/css; charset=utf-8',
    };
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
      const contentType = types[path.extname(name)];
      if (!contentType) continue;
      const body = fs.readFileSync(path.join(dir, name));
      hash.update(name).update(body);
      this.files.set(name, { body, contentType });
    }
    this.version = hash.digest('hex').slice(0, 12);
  }

  get(name: string): { body: Buffer; contentType: string } | undefined {
    return this.files.get(name);
  }
}
