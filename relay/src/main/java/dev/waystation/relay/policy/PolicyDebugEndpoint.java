package dev.waystation.relay.policy;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.waystation.policy.rsop.ResultantPolicy;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeParseException;
import dev.waystation.relay.debug.DebugEndpoint;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /debug/policy[?scope=...]}: every registered setting of a scope's resultant policy
 * (default: this relay's {@code Profile(<region>)}), configured or not, with value, provenance,
 * origin, errors, shadowed items, sources and generation. A scope nobody uses is built for the
 * answer and dropped again (no resultant policy or metric series outlives the request). {@code POST /debug/policy/reload} re-reads
 * every store first.
 */
@Singleton
public class PolicyDebugEndpoint implements DebugEndpoint {

    static final String SCOPE_PARAMETER = "scope";

    /** Made on the first request (a holder class): building a mapper costs start-up time. */
    private static final class Json {
        static final ObjectMapper INDENTED = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    @Inject
    RelayPolicy policy;

    @Override
    public void mount(Router debug) {
        debug.get("/policy").blockingHandler(context -> explain(context, false));
        debug.post("/policy/reload").blockingHandler(context -> explain(context, true));
    }

    private void explain(RoutingContext context, boolean reload) {
        PolicyScope scope;
        try {
            String text = context.request().getParam(SCOPE_PARAMETER);
            scope = text == null || text.isEmpty() ? policy.regionScope() : PolicyScope.parse(text);
        } catch (ScopeParseException e) {
            respond(context, 400, java.util.Map.of("error", e.getMessage()));
            return;
        }
        if (reload) {
            policy.reload();
        }
        // A scope nobody uses is answered from a one-off policy the engine does not keep, so asking
        // about many scopes leaves nothing behind. (Creating and then forgetting a registered one
        // raced with a client binding the same scope: the client kept a policy the engine had dropped
        // and saw no later change.)
        ResultantPolicy resultant = policy.engine().liveOrOneOff(scope);
        respond(context, 200, PolicyJson.of(resultant.explain(), resultant.healthy(), policy.documents()));
    }

    private void respond(RoutingContext context, int status, Object body) {
        try {
            context.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .end(Json.INDENTED.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            context.fail(e);
        }
    }
}
