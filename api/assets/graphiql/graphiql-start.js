// Mounts GraphiQL against this server's /graphql. Requests are same-origin: a token is
// sent only when the user adds an Authorization header in GraphiQL's headers editor.
(function () {
  "use strict";
  var endpoint = new URL("/graphql", window.location.origin).toString();
  var fetcher = GraphiQL.createFetcher({
    url: endpoint,
    fetch: function (url, options) {
      return window.fetch(url, Object.assign({}, options, { credentials: "same-origin" }));
    },
  });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
    })
  );
})();
