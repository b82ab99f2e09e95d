// Which page modules have run: with lazyCodeLoading, only those of pages opened.
App({ ran: [] });
