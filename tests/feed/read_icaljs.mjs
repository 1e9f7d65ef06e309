// read_icaljs.mjs: a calendar read by ical.js (Mozilla's iCalendar
// parser), printed as the JSON that tests/feed/judge.py compares with the
// database. ical.js has no time zone database of its own: every instant
// below comes from the calendar's own VTIMEZONEs, so this also checks them.
//
//   node read_icaljs.mjs FILE.ics > FILE.icaljs.json
//
// Output: {"calendar": {...}, "timezones": [TZID...], "events": [one per
// VEVENT as written], "occurrences": [every occurrence, recurrences
// expanded (RRULE, EXDATE, RECURRENCE-ID overrides), by start]}; times are
// Unix seconds, wall times "YYYY-MM-DDTHH:MM:SS" in the event's TZID.
import fs from 'node:fs';
import ICAL from 'ical.js';

const text = fs.readFileSync(process.argv[2], 'utf8');
const cal = new ICAL.Component(ICAL.parse(text));

const zones = cal.getAllSubcomponents('vtimezone');
for (const vtz of zones)
  ICAL.TimezoneService.register(vtz);

const wall = (t) => t.toString().slice(0, 19);
const tzid = (t) => (t.zone && t.zone.tzid) || (t.timezone) || 'floating';

function eventJson(v) {
  const ev = new ICAL.Event(v);
  const rrule = v.getFirstPropertyValue('rrule');
  const rid = v.getFirstPropertyValue('recurrence-id');
  return {
    uid: ev.uid,
    summary: ev.summary,
    status: v.getFirstPropertyValue('status'),
    tzid: tzid(ev.startDate),
    start_local: wall(ev.startDate),
    start: ev.startDate.toUnixTime(),
    end: ev.endDate.toUnixTime(),
    rrule: rrule ? { freq: rrule.freq, interval: rrule.interval || 1, count: rrule.count } : null,
    exdates: v.getAllProperties('exdate').flatMap((p) => p.getValues()).map(wall).sort(),
    exdate_tzids: v.getAllProperties('exdate').map((p) => p.getParameter('tzid') || 'UTC'),
    recurrence_id: rid ? wall(rid) : null,
  };
}

const vevents = cal.getAllSubcomponents('vevent');
const masters = new Map();
for (const v of vevents)
  if (!v.hasProperty('recurrence-id'))
    masters.set(v.getFirstPropertyValue('uid'), new ICAL.Event(v));
for (const v of vevents)
  if (v.hasProperty('recurrence-id')) {
    const m = masters.get(v.getFirstPropertyValue('uid'));
    if (!m)
      throw new Error(`an override of ${v.getFirstPropertyValue('uid')} without its event`);
    m.relateException(v);
  }

const occurrences = [];
for (const [uid, ev] of masters) {
  const status = ev.component.getFirstPropertyValue('status');
  if (!ev.isRecurring()) {
    occurrences.push({
      uid, summary: ev.summary, status, tzid: tzid(ev.startDate),
      start_local: wall(ev.startDate), start: ev.startDate.toUnixTime(),
      end: ev.endDate.toUnixTime(), recurrence_id: null,
    });
    continue;
  }
  const it = ev.iterator();
  let next, n = 0;
  while ((next = it.next())) {
    if (++n > 10000)
      throw new Error(`${uid}: endless recurrence`);
    const d = ev.getOccurrenceDetails(next);
    occurrences.push({
      uid, summary: d.item.summary, status: d.item.component.getFirstPropertyValue('status'),
      tzid: tzid(d.startDate), start_local: wall(d.startDate), start: d.startDate.toUnixTime(),
      end: d.endDate.toUnixTime(), recurrence_id: wall(d.recurrenceId),
    });
  }
}
occurrences.sort((a, b) => a.start - b.start || a.uid.localeCompare(b.uid));

process.stdout.write(JSON.stringify({
  parser: `ical.js ${JSON.parse(fs.readFileSync(new URL('./node_modules/ical.js/package.json', import.meta.url))).version}`,
  calendar: {
    version: cal.getFirstPropertyValue('version'),
    prodid: cal.getFirstPropertyValue('prodid'),
    method: cal.getFirstPropertyValue('method'),
    calscale: cal.getFirstPropertyValue('calscale'),
    calname: cal.getFirstPropertyValue('x-wr-calname'),
  },
  timezones: zones.map((z) => z.getFirstPropertyValue('tzid')),
  events: vevents.map(eventJson),
  occurrences,
}, null, 1) + '\n');
