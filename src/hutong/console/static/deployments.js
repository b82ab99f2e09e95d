// @ts-check
/**
 * The provider console's deployments refresh themselves: each deployment still running (it has
 * pending merchants) polls its JSON (GET /api/orgs/{org}/provider/deployments/{id}, the same the CLI
 * follows) every two seconds and redraws its progress bar, counts and failures, until nothing is
 * pending. Polling rather than a stream: a deployment is a few minutes at most, and it needs nothing
 * on the server but the endpoint the CLI already uses.
 */
const EVERY_MS = 2000;

/**
 * @typedef {{appid: string, state: string, errcode: number, errmsg: string}} Item
 * @typedef {{counts: Record<string, number>, items: Item[]}} Deployment
 */

/**
 * @param {HTMLElement} section
 * @param {Deployment} found
 */
function draw(section, found) {
  const { counts, items } = found;
  const bar = section.querySelector('progress');
  if (bar) {
    bar.max = items.length;
    bar.value = items.length - counts.pending;
  }
  const line = section.querySelector('.counts');
  if (line) {
    line.textContent = `${counts.submitted} submitted · ${counts.committed} committed · ${counts.pending} pending · ${counts.failed} failed`;
  }
  const failed = items.filter((item) => item.state === 'failed');
  let list = section.querySelector('ul.failures');
  if (!failed.length) {
    list?.remove();
    return;
  }
  if (!list) {
    list = document.createElement('ul');
    list.className = 'failures';
    line?.after(list);
  }
  list.replaceChildren(
    ...failed.map((item) => {
      const row = document.createElement('li');
      const appid = document.createElement('code');
      appid.textContent = item.appid;
      row.append(appid, `: ${item.errcode} ${item.errmsg}`);
      return row;
    }),
  );
  if (!section.querySelector('form.retry') && section.dataset.retry) {
    const form = document.createElement('form');
    form.method = 'post';
    form.className = 'retry';
    form.action = section.dataset.retry;
    const csrf = document.createElement('input');
    csrf.type = 'hidden';
    csrf.name = 'csrf_token';
    csrf.value = section.dataset.csrf || '';
    const button = document.createElement('button');
    button.type = 'submit';
    button.textContent = 'Retry the failed merchants';
    form.append(csrf, button);
    list.after(form);
  }
}

/** @param {HTMLElement} section */
async function follow(section) {
  const url = section.dataset.poll || '';
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
    let found;
    try {
      const answer = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!answer.ok) return; // signed out or gone: the page as drawn stays
      found = /** @type {Deployment} */ (await answer.json());
    } catch {
      continue; // the network blinked; try again at the next tick
    }
    draw(section, found);
    if (!found.counts.pending) return;
  }
}

for (const section of document.querySelectorAll('section.deployment[data-poll]')) {
  void follow(/** @type {HTMLElement} */ (section));
}
