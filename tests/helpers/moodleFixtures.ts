import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The recordings of a real Moodle 4.5 (copied unchanged from ../shared/fixtures/moodle). */
export const MOODLE_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/moodle/', import.meta.url));

export interface MoodleFixture {
  file: string;
  function: string;
  case: string;
  request: Record<string, string>;
  status: number;
  response: unknown;
  response_raw?: string;
  http: { response_content_type: string };
  note?: string;
}

export function loadMoodleFixtures(): MoodleFixture[] {
  return readdirSync(MOODLE_FIXTURES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      ...(JSON.parse(readFileSync(`${MOODLE_FIXTURES_DIR}${file}`, 'utf8')) as Omit<MoodleFixture, 'file'>),
    }));
}
