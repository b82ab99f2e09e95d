// @ts-check
/**
 * The phone's calendar and address book (wx.addPhoneCalendar, addPhoneRepeatCalendar, addPhoneContact).
 * A browser cannot write either, so the host does what a phone's "add event" / "new contact" screen
 * leads to on the web: after the scope's consent, a sheet shows what would be added, and its Add button
 * saves a standard file (an iCalendar event, RFC 5545; a vCard 3.0, RFC 2426) that the device's
 * calendar or contacts app opens. Cancelling fails the call with `cancel`.
 */
import { requireScope } from './consent.js';
import { SheetBusy, showSheet } from '../sheets.js';
import { el } from './ui.js';

/** @typedef {import('../miniprogram.js').MiniProgram} MiniProgram */

const REPEATS = /** @type {Record<string, string>} */ ({ day: 'DAILY', week: 'WEEKLY', month: 'MONTHLY', year: 'YEARLY' });

/** A text value escaped for iCalendar and vCard (backslash, semicolon, comma, newline). @param {unknown} value */
function escaped(value) {
  return String(value ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r?\n/g, '\\n');
}

/** Lines of at most 75 octets, continued with a space (RFC 5545 3.1, RFC 2425 5.8.1). @param {string} line */
function folded(line) {
  const parts = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const bytes = new TextEncoder().encode(ch).length;
    if (size + bytes > (parts.length ? 74 : 75)) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += bytes;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** @param {string[]} lines */
const fileOf = (lines) => `${lines.filter(Boolean).map(folded).join('\r\n')}\r\n`;

/** A UTC date-time, `20261207T083000Z`. @param {Date} date */
const utc = (date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** The local date, `20261207`. @param {Date} date */
const day = (date) => `${date.getFullYear()}${String(date.getMonth() + 1).padStart(2, '0')}${String(date.getDate()).padStart(2, '0')}`;

/** Unix seconds (a number or a numeric string) as a Date. @param {unknown} value @param {string} name */
function seconds(value, name) {
  const number = Number(value);
  if (value === undefined || value === null || value === '' || !Number.isFinite(number)) throw new Error(`parameter error: parameter.${name} should be Number`);
  return new Date(number * 1000);
}

/**
 * The event as an iCalendar file. @param {Record<string, any>} args @param {boolean} repeat
 * @returns {{text: string, start: Date, end: Date}}
 */
export function calendarFile(args, repeat) {
  if (typeof args.title !== 'string' || !args.title) throw new Error('parameter error: parameter.title should be String');
  const start = seconds(args.startTime, 'startTime');
  const end = args.endTime === undefined || args.endTime === '' ? start : seconds(args.endTime, 'endTime');
  if (end < start) throw new Error('parameter error: endTime is before startTime');
  const allDay = Boolean(args.allDay);
  const lastDay = new Date(end);
  lastDay.setDate(lastDay.getDate() + 1);
  let rule = '';
  if (repeat) {
    const frequency = REPEATS[String(args.repeatInterval || 'month')];
    if (!frequency) throw new Error('parameter error: repeatInterval should be day, week, month or year');
    rule = `RRULE:FREQ=${frequency}${args.repeatEndTime ? `;UNTIL=${utc(seconds(args.repeatEndTime, 'repeatEndTime'))}` : ''}`;
  }
  const alarm = args.alarm === undefined || Boolean(args.alarm);
  const offset = Math.max(0, Math.round(Number(args.alarmOffset) || 0));
  const text = fileOf([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Hutong//Mini program calendar event//EN',
    'BEGIN:VEVENT',
    `UID:${crypto.randomUUID()}@hutong`,
    `DTSTAMP:${utc(new Date())}`,
    allDay ? `DTSTART;VALUE=DATE:${day(start)}` : `DTSTART:${utc(start)}`,
    allDay ? `DTEND;VALUE=DATE:${day(lastDay)}` : `DTEND:${utc(end)}`,
    `SUMMARY:${escaped(args.title)}`,
    args.description ? `DESCRIPTION:${escaped(args.description)}` : '',
    args.location ? `LOCATION:${escaped(args.location)}` : '',
    rule,
    ...(alarm ? ['BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${escaped(args.title)}`, `TRIGGER:-PT${offset}S`, 'END:VALARM'] : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ]);
  return { text, start, end };
}

/** The contact as a vCard. @param {Record<string, any>} args @returns {{text: string, name: string}} */
export function contactFile(args) {
  if (typeof args.firstName !== 'string' || !args.firstName) throw new Error('parameter error: parameter.firstName should be String');
  const v = (/** @type {string} */ key) => escaped(args[key]);
  const name = [args.lastName, args.middleName, args.firstName].filter(Boolean).join(' ');
  /** @param {string} kind @param {string} prefix */
  const address = (kind, prefix) => {
    const parts = ['Street', 'City', 'State', 'PostalCode', 'Country'].map((part) => v(`${prefix}${part}`));
    return parts.some(Boolean) ? `ADR;TYPE=${kind}:;;${parts.join(';')}` : '';
  };
  /** @param {string} type @param {string} key */
  const tel = (type, key) => (args[key] ? `TEL;TYPE=${type}:${v(key)}` : '');
  const text = fileOf([
    'BEGIN:VCARD',
    'VERSION:3.0',
    `N:${v('lastName')};${v('firstName')};${v('middleName')};;`,
    `FN:${escaped(name)}`,
    args.nickName ? `NICKNAME:${v('nickName')}` : '',
    args.organization ? `ORG:${v('organization')}` : '',
    args.title ? `TITLE:${v('title')}` : '',
    tel('CELL', 'mobilePhoneNumber'),
    tel('WORK,VOICE', 'workPhoneNumber'),
    tel('HOME,VOICE', 'homePhoneNumber'),
    tel('WORK,FAX', 'workFaxNumber'),
    tel('HOME,FAX', 'homeFaxNumber'),
    tel('VOICE', 'hostNumber'),
    args.email ? `EMAIL;TYPE=INTERNET:${v('email')}` : '',
    args.url ? `URL:${v('url')}` : '',
    address('WORK', 'workAddress'),
    address('HOME', 'homeAddress'),
    address('POSTAL', 'address'),
    args.weChatNumber ? `X-WECHAT:${v('weChatNumber')}` : '',
    args.remark ? `NOTE:${v('remark')}` : '',
    'END:VCARD',
  ]);
  return { text, name };
}

/** @param {string} text @param {string} type @param {string} filename */
function save(text, type, filename) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  /** @type {HTMLAnchorElement} */ (el('a', { href: url, download: filename })).click();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * The sheet: what would be added, and an Add button that saves the file.
 * @param {MiniProgram} mp @param {{name: string, title: string, rows: string[], save: () => void}} spec
 */
async function confirmAdd(mp, spec) {
  let added = false;
  try {
    added = await showSheet(mp, {
      name: spec.name,
      title: spec.title,
      cancel: false,
      build(sheet) {
        const rows = spec.rows.filter(Boolean).map((row) => el('div', { className: 'hutong-pay-row' }, [row]));
        const add = el('button', { type: 'button', className: 'hutong-send-coupon-claim hutong-phone-add' }, ['Add']);
        add.addEventListener('click', () => {
          spec.save();
          sheet.close(true);
        });
        sheet.body.append(...rows, add);
      },
    });
  } catch (error) {
    if (error instanceof SheetBusy) throw new Error('another sheet is showing');
    throw error;
  }
  if (!added) throw new Error('cancel');
  return {};
}

/** @param {MiniProgram} mp @param {Record<string, any>} args @param {boolean} repeat */
async function addCalendar(mp, args, repeat) {
  const event = calendarFile(args, repeat);
  await requireScope(mp, 'scope.addPhoneCalendar');
  const when = args.allDay ? event.start.toLocaleDateString() : `${event.start.toLocaleString()}${+event.end !== +event.start ? ` – ${event.end.toLocaleString()}` : ''}`;
  return confirmAdd(mp, {
    name: 'add-calendar',
    title: 'Add to calendar',
    rows: [String(args.title), when, repeat ? `Repeats every ${args.repeatInterval || 'month'}` : '', String(args.location || '')],
    save: () => save(event.text, 'text/calendar', 'event.ics'),
  });
}

export const phone = {
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  addPhoneCalendar: (mp, args) => addCalendar(mp, args, false),
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  addPhoneRepeatCalendar: (mp, args) => addCalendar(mp, args, true),
  /** @param {MiniProgram} mp @param {Record<string, any>} args */
  async addPhoneContact(mp, args) {
    const contact = contactFile(args);
    await requireScope(mp, 'scope.addPhoneContact');
    return confirmAdd(mp, {
      name: 'add-contact',
      title: 'Add to contacts',
      rows: [contact.name, String(args.mobilePhoneNumber || args.workPhoneNumber || ''), String(args.organization || '')],
      save: () => save(contact.text, 'text/vcard', 'contact.vcf'),
    });
  },
};
