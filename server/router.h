// The request handler's entry points: routing by target and method, then the
// page or error for the route (pages.h). Pure: no sockets, no Beast.
//
//   Handle(request view, context {snapshot, quarter, rng, images, ...}) -> reply bytes
//
// Routes and statuses: SPEC section 5; /click/... and /i/....gif only with
// an events sink in the context (--events-dir). Absolute-form targets are routed by
// their path, with its percent-encoded unreserved characters decoded
// (request_target.h); the query is read only by GET /campaigns?id=N and
// GET /campaigns/{id}/why?quarter=N. An
// HTTP/1.1 request without exactly one Host is 400. Under /api/ every answer
// is JSON, errors included; elsewhere errors are small HTML pages.
//
// Thread-safety: touches only its arguments; the Rng is the calling thread's
// own. The request path allocates nothing once the Reply's strings have grown.
#pragma once

#include <string_view>

#include "exchange.h"

namespace banner {

// Routes and renders one request. Clears *reply first.
void Handle(const Request& request, const Context& context, Reply* reply);

// A response for a request the session could not parse (400), whose head was
// too large (431) or whose body was (413); `target` is the request's, when
// the session has parsed it (JSON under /api/), else empty. Always closes
// the connection. Clears *reply first.
void RenderError(int status, std::string_view target, const Context& context, Reply* reply);

}  // namespace banner
