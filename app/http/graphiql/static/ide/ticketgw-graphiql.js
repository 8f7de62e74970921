// ticketgw's GraphiQL page: queries and mutations over HTTP; subscriptions over WebSocket
// (graphql-transport-ws) or Server-Sent Events (graphql-sse, distinct connections mode),
// chosen in the "Subscriptions" panel and remembered in localStorage. The Headers tab's
// headers go with every request (in connection_init on a WebSocket).
(function () {
  "use strict";
  const h = React.createElement;
  const STORAGE_KEY = "ticketgw:subscription-transport";
  const url = new URL(window.location.pathname, window.location.href).toString();
  const wsUrl = url.replace(/^http/, "ws");
  const httpAndWebSocket = GraphiQL.createFetcher({ url, subscriptionUrl: wsUrl });

  function transport() {
    return window.localStorage.getItem(STORAGE_KEY) === "sse" ? "sse" : "ws";
  }

  function isSubscription(params) {
    try {
      const document = GraphiQL.GraphQL.parse(params.query);
      const operations = document.definitions.filter((d) => d.kind === "OperationDefinition");
      const chosen = params.operationName
        ? operations.find((o) => o.name && o.name.value === params.operationName)
        : operations[0];
      return Boolean(chosen) && chosen.operation === "subscription";
    } catch (error) {
      return false; // GraphiQL shows the syntax error itself
    }
  }

  // One SSE connection per subscription; no retries: a silent reconnect "from now" could
  // skip events, so a dropped stream shows its error instead.
  function overSSE(params, headers) {
    const client = graphqlSse.createClient({ url, headers: headers || {}, retryAttempts: 0 });
    const results = client.iterate({
      query: params.query,
      variables: params.variables,
      operationName: params.operationName || undefined,
    });
    return {
      [Symbol.asyncIterator]() {
        return {
          next: () => results.next(),
          return: async () => {
            await results.return();
            client.dispose();
            return { done: true, value: undefined };
          },
        };
      },
    };
  }

  function fetcher(params, options) {
    if (transport() === "sse" && isSubscription(params)) {
      return overSSE(params, options && options.headers);
    }
    return httpAndWebSocket(params, options);
  }

  function TransportPanel() {
    const [chosen, choose] = React.useState(transport());
    function pick(value) {
      window.localStorage.setItem(STORAGE_KEY, value);
      choose(value);
    }
    const option = (value, label) =>
      h("label", null,
        h("input", {
          type: "radio", name: "ticketgw-transport", value,
          checked: chosen === value, onChange: () => pick(value),
        }),
        " ", label);
    return h("div", { className: "ticketgw-transport" },
      h("div", { className: "graphiql-doc-explorer-title" }, "Subscriptions"),
      h("p", null, "How subscriptions reach this page. Queries and mutations always use HTTP."),
      option("ws", "WebSocket (graphql-transport-ws)"),
      option("sse", "Server-Sent Events (graphql-sse)"));
  }

  const transportPlugin = {
    title: "Subscription transport",
    icon: () => h("span", { className: "ticketgw-transport-icon" }, "SSE"),
    content: TransportPanel,
  };

  const DEFAULT_QUERY = `# Put your API key in the Headers tab below:
#   {"Authorization": "Bearer tgw_..."}
# and run this with Ctrl-Enter. The Explorer (left) builds
# queries by clicking; the SSE panel picks the subscription
# transport.
query FirstTickets {
  viewer { role user { name } }
  tickets(first: 5) {
    totalCount
    nodes { id kind state title createdAt }
  }
}
`;

  function Page() {
    return h(GraphiQL, {
      fetcher,
      defaultQuery: DEFAULT_QUERY,
      plugins: [GraphiQLPluginExplorer.explorerPlugin(), transportPlugin],
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(h(Page));
})();
