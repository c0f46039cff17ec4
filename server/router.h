// The request handler's entry points: routing by target and method, then the
// page or error for the route (pages.h). Pure: no sockets, no Beast.
//
//   Handle(request view, context {snapshot, quarter, rng, images, ...}) -> reply bytes
//
// Routes and statuses: SPEC section 5. Absolute-form targets are routed by
// their path; the query is read only by GET /campaigns?id=N.
//
// Thread-safety: touches only its arguments; the Rng is the calling thread's
// own. The request path allocates nothing once the Reply's strings have grown.
#pragma once

#include "exchange.h"

namespace banner {

// Routes and renders one request. Clears *reply first.
void Handle(const Request& request, const Context& context, Reply* reply);

// A response for a request the session could not parse (400), whose head was
// too large (431) or whose body was (413). Always closes the connection. Clears *reply first.
void RenderError(int status, const Context& context, Reply* reply);

}  // namespace banner
