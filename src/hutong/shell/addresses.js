// @ts-check
/**
 * Me → Addresses and Me → Invoice titles: the user's shipping addresses and invoice titles, kept on
 * the platform (server/addresses/), added, edited and deleted here. Mini programs get one only when
 * the user picks it on the host's sheet (wx.chooseAddress, wx.chooseInvoiceTitle: host/api/address.js).
 * The region is chosen from the statistical division list the region picker uses, so each address
 * carries its county's code (WeChat's nationalCode).
 */
import { api } from './api.js';
import { loadRegions } from '../view/components/regions.js';

/** @typedef {import('../view/components/regions.js').Division} Division */

/** @param {string} tag @param {Record<string, any>} [props] @param {(Node | string)[]} [children] */
function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** @param {string} label @param {string} name @param {string} value @param {Record<string, any>} [props] */
function field(label, name, value, props = {}) {
  return el('label', {}, [`${label} `, el('input', { name, value, ...props })]);
}

/** @param {unknown} error */
const message = (error) => (error instanceof Error ? error.message : String(error));

/**
 * Three linked selects (province, city, county) over the division list.
 * @param {Division[]} provinces @param {{province_name?: string, city_name?: string, county_name?: string}} current
 */
function regionSelects(provinces, current) {
  const province = /** @type {HTMLSelectElement} */ (el('select', { name: 'province_name', required: true }));
  const city = /** @type {HTMLSelectElement} */ (el('select', { name: 'city_name', required: true }));
  const county = /** @type {HTMLSelectElement} */ (el('select', { name: 'county_name', required: true }));
  /** @param {HTMLSelectElement} select @param {Division[]} list @param {string | undefined} wanted */
  const fill = (select, list, wanted) => {
    select.replaceChildren(...list.map((d) => el('option', { value: d.name, textContent: d.name, selected: d.name === wanted })));
    if (!list.some((d) => d.name === wanted) && list.length) select.value = list[0].name;
  };
  const chosen = (/** @type {Division[]} */ list, /** @type {HTMLSelectElement} */ select) => list.find((d) => d.name === select.value);
  const cities = () => chosen(provinces, province)?.children || [];
  const counties = () => chosen(cities(), city)?.children || [];
  fill(province, provinces, current.province_name);
  fill(city, cities(), current.city_name);
  fill(county, counties(), current.county_name);
  province.addEventListener('change', () => {
    fill(city, cities(), '');
    fill(county, counties(), '');
  });
  city.addEventListener('change', () => fill(county, counties(), ''));
  return {
    nodes: [el('label', {}, ['Province ', province]), el('label', {}, ['City ', city]), el('label', {}, ['District ', county])],
    /** The county's 6-digit code, when the division list has one (not for Hong Kong, Macau, Taiwan). */
    code: () => {
      const code = chosen(counties(), county)?.code || '';
      return /^\d{6}$/.test(code) ? code : '';
    },
  };
}

/** @type {{kind: 'addresses' | 'invoice-titles', title: string, empty: string, line: (row: any) => string}[]} */
const KINDS = [
  { kind: 'addresses', title: 'Addresses', empty: 'No address yet.', line: (a) => `${a.user_name} ${a.tel_number} · ${a.province_name}${a.city_name}${a.county_name}${a.street_name}${a.detail}` },
  { kind: 'invoice-titles', title: 'Invoice titles', empty: 'No invoice title yet.', line: (t) => (t.type === 0 ? `${t.title} · ${t.tax_number}` : `${t.title} · personal`) },
];

/**
 * The view for one kind, ready for an info sheet; redraws itself after each change.
 * @param {'addresses' | 'invoice-titles'} kind
 * @returns {Promise<HTMLElement>}
 */
export async function addressBookView(kind) {
  const spec = KINDS.find((k) => k.kind === kind) || KINDS[0];
  const root = el('div', { className: `address-book address-book-${kind}` });
  const status = el('p', { role: 'status' });

  async function showList() {
    /** @type {any[]} */
    let rows = [];
    try {
      rows = await api(`/api/me/${kind}`);
    } catch (error) {
      root.replaceChildren(el('p', { className: 'error', role: 'alert', textContent: message(error) }));
      return;
    }
    const list = el('ul', { className: 'address-book-list' });
    list.setAttribute('aria-label', spec.title);
    for (const row of rows) {
      const edit = el('button', { type: 'button', className: 'address-edit', textContent: 'Edit', onclick: () => showForm(row) });
      const remove = el('button', {
        type: 'button',
        className: 'address-delete',
        textContent: 'Delete',
        onclick: async () => {
          try {
            await api(`/api/me/${kind}/${row.id}`, { method: 'DELETE' });
            await showList();
          } catch (error) {
            status.textContent = message(error);
          }
        },
      });
      list.append(el('li', { className: 'address-book-row' }, [el('span', { textContent: spec.line(row) }), edit, remove]));
    }
    const add = el('button', { type: 'button', className: 'address-add', textContent: kind === 'addresses' ? 'Add an address' : 'Add an invoice title', onclick: () => showForm(null) });
    root.replaceChildren(rows.length ? list : el('p', { className: 'empty', textContent: spec.empty }), add, status);
  }

  /** @param {any | null} row */
  async function showForm(row) {
    const form = /** @type {HTMLFormElement} */ (el('form', { className: 'address-form' }));
    form.setAttribute('aria-label', row ? `Edit ${spec.title}` : `Add ${spec.title}`);
    /** @type {() => Record<string, any>} */
    let collect;
    if (kind === 'addresses') {
      const region = regionSelects(await loadRegions(), row || {});
      form.append(
        field('Name', 'user_name', row?.user_name || '', { required: true, maxLength: 64, autocomplete: 'name' }),
        field('Phone', 'tel_number', row?.tel_number || '', { required: true, maxLength: 32, type: 'tel', autocomplete: 'tel' }),
        ...region.nodes,
        field('Street', 'street_name', row?.street_name || '', { maxLength: 64 }),
        field('Address', 'detail', row?.detail || '', { required: true, maxLength: 256, autocomplete: 'street-address' }),
        field('Postal code', 'postal_code', row?.postal_code || '', { maxLength: 10, inputMode: 'numeric', autocomplete: 'postal-code' }),
      );
      collect = () => ({ ...Object.fromEntries(new FormData(form)), national_code: region.code() });
    } else {
      const type = el('select', { name: 'type' }, [el('option', { value: '0', textContent: 'Company', selected: row?.type !== 1 }), el('option', { value: '1', textContent: 'Personal', selected: row?.type === 1 })]);
      form.append(
        el('label', {}, ['Type ', type]),
        field('Title', 'title', row?.title || '', { required: true, maxLength: 128 }),
        field('Tax number', 'tax_number', row?.tax_number || '', { maxLength: 20 }),
        field('Company address', 'company_address', row?.company_address || '', { maxLength: 256 }),
        field('Telephone', 'telephone', row?.telephone || '', { maxLength: 32, type: 'tel' }),
        field('Bank', 'bank_name', row?.bank_name || '', { maxLength: 128 }),
        field('Bank account', 'bank_account', row?.bank_account || '', { maxLength: 64 }),
      );
      collect = () => {
        const values = Object.fromEntries(new FormData(form));
        return { ...values, type: Number(values.type) };
      };
    }
    const problem = el('p', { className: 'error', role: 'alert' });
    form.append(problem, el('button', { type: 'submit', className: 'primary', textContent: 'Save' }), el('button', { type: 'button', textContent: 'Cancel', onclick: () => showList() }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await api(row ? `/api/me/${kind}/${row.id}` : `/api/me/${kind}`, { method: row ? 'PUT' : 'POST', json: collect() });
        status.textContent = 'Saved';
        await showList();
      } catch (error) {
        problem.textContent = message(error);
      }
    });
    root.replaceChildren(form);
  }

  await showList();
  return root;
}
