// Where the clinic's own back end answers (examples/clinic-backend/server.py, started by `make demo`).
// A clinic deploying this sets its server's address here and lists it among the app's request domains.
module.exports = {
  api: 'http://127.0.0.1:8701',
}
