// Each attempt resolves to what it got: "ESCAPED: …" when it got through, "blocked: …" otherwise.
// The tests read these, and also watch from outside (a canary server, the host page's own state).

function reason(error) {
  if (error && typeof error === 'object') return String(error.errMsg || error.message || error.name || error);
  return String(error);
}

/** Run one attempt with a deadline; a throw or a timeout counts as blocked. */
function attempt(name, run, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ name, outcome: 'blocked: no answer' }), ms || 4000);
    Promise.resolve()
      .then(run)
      .then(
        (value) => resolve({ name, outcome: String(value) }),
        (error) => resolve({ name, outcome: `blocked: ${reason(error)}` }),
      )
      .finally(() => clearTimeout(timer));
  });
}

/** Run every attempt, then show them all on the page (one view per attempt, then #done). */
function runAll(page, attempts) {
  return Promise.all(attempts.map(([name, run, ms]) => attempt(name, run, ms))).then((results) => {
    page.setData({ results, done: true });
    return results;
  });
}

module.exports = { attempt, runAll, reason };
