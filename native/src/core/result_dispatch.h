// Turns the outcome of a request (a RESULT from the server, or a local rejection) into the
// application's callbacks, through one table entry per op.
#ifndef AGORA_SIG_CORE_RESULT_DISPATCH_H_
#define AGORA_SIG_CORE_RESULT_DISPATCH_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "core/callback_sink.h"
#include "core/client_state.h"
#include "core/pending_request.h"

namespace agora_sig {
namespace core {

// A RESULT for the request: code 0 is success. A message the server holds for an offline peer is
// remembered in state until its EVENT MSG_DELIVERED or MSG_EXPIRED.
void dispatchResult(CallbackSink& sink, ClientState& state, const PendingRequest& request,
                    uint64_t code, const std::string& text, const std::vector<std::string>& values);

// The request never left: a bad argument (1004/1005) or not logged in (1003). Raises the op's own
// failure callback (onMessageSendError, ...), then onError with the method's name. onError is
// always the last callback of a failed request.
void dispatchRejection(CallbackSink& sink, const PendingRequest& request, int code,
                       const std::string& text);

// Builds the static tables used above (called before the loop's exit hook is registered).
void prepareDispatchTables();

// An EVENT frame's payload. Channel events keep state's current channel up to date.
void dispatchEvent(CallbackSink& sink, ClientState& state, uint64_t kind,
                   const std::vector<std::string>& fields);

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_RESULT_DISPATCH_H_
