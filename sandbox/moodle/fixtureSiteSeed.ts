import type { MoodleSeed } from './seedMoodleState.ts';

/** Dates of course INT101 in the recordings (2026-01-01 and 2026-07-01). */
export const INT101_START = 1767225600;
export const INT101_END = 1782864000;

/**
 * The recorded site (tests/fixtures/moodle/README.md) in the shape the recordings start
 * from: users 4 jdoe.fixture (Berlin/DE), 5 bsmith.fixture (created with createpassword),
 * 6 cbrown.fixture, 7 dgreen.fixture; category 2 CAT-INT; courses 2 INT101
 * (SIS-COURSE-101, visible, dated) and 3 INT102; jdoe student and bsmith editingteacher in
 * INT101; cohort 1 COH-1 (no members); assignment 1 (course module 3) in INT101. Later
 * recorded changes (jdoe renamed Janet, INT101 hidden, dgreen deleted, …) are not applied:
 * add them per test. Returns a fresh object each time.
 */
export function fixtureSiteSeed(): MoodleSeed {
  return {
    users: [
      {
        id: 4,
        username: 'jdoe.fixture',
        firstname: 'Jane',
        lastname: 'Doe',
        email: 'jane.doe@example.com',
        idnumber: 'EXT-1001',
        city: 'Berlin',
        country: 'DE',
      },
      {
        id: 5,
        username: 'bsmith.fixture',
        password: '',
        firstname: 'Bob',
        lastname: 'Smith',
        email: 'bob.smith@example.com',
        idnumber: 'EXT-1002',
      },
      {
        id: 6,
        username: 'cbrown.fixture',
        firstname: 'Carol',
        lastname: 'Brown',
        email: 'carol.brown@example.com',
        idnumber: 'EXT-1003',
      },
      {
        id: 7,
        username: 'dgreen.fixture',
        firstname: 'Dan',
        lastname: 'Green',
        email: 'dan.green@example.com',
        idnumber: 'EXT-1004',
      },
    ],
    categories: [{ id: 2, name: 'Integration Courses', idnumber: 'CAT-INT', description: 'Created by fixtures' }],
    courses: [
      {
        id: 2,
        shortname: 'INT101',
        fullname: 'Integration 101',
        categoryid: 2,
        idnumber: 'SIS-COURSE-101',
        summary: '<p>Fixture course</p>',
        format: 'topics',
        visible: 1,
        startdate: INT101_START,
        enddate: INT101_END,
      },
      { id: 3, shortname: 'INT102', fullname: 'Integration 102', categoryid: 2 },
    ],
    enrolments: [
      { userid: 4, courseid: 2, roleid: 5 },
      { userid: 5, courseid: 2, roleid: 3 },
    ],
    cohorts: [{ id: 1, name: 'Fixture Cohort', idnumber: 'COH-1', description: 'Cohort created by fixtures' }],
    assignments: [{ id: 1, cmid: 3, courseid: 2, name: 'Fixture assignment' }],
  };
}
