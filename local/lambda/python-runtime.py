# A small Python runtime for local Lambda sandboxes, standing in for Lambda's Python runtime
# client: imports the module named by _HANDLER ("module.function") from LAMBDA_TASK_ROOT, then
# loops on the Runtime API: GET next -> call handler(event, context) -> POST response or error.
# Standard library only, so it runs on any python3 the machine has.
import importlib
import json
import logging
import os
import sys
import time
import traceback
import urllib.error
import urllib.request

API = "http://%s/2018-06-01/runtime" % os.environ.get("AWS_LAMBDA_RUNTIME_API", "")
TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
HANDLER = os.environ.get("_HANDLER", "")
current_request_id = None


def call(method, path, body=None, headers=None):
    request = urllib.request.Request(API + path, data=body, method=method, headers=headers or {})
    try:
        # No timeout: GET /next is parked until the next event, however long that takes.
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def error_payload(exc, error_type=None, message=None):
    return {
        "errorMessage": str(exc) if message is None else message,
        "errorType": error_type or type(exc).__name__,
        "requestId": current_request_id or "",
        "stackTrace": traceback.format_list(traceback.extract_tb(exc.__traceback__)),
    }


def post_error(path, payload):
    call("POST", path, json.dumps(payload).encode(), {
        "Content-Type": "application/json",
        "Lambda-Runtime-Function-Error-Type": payload["errorType"],
    })


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = current_request_id
        return True


def setup_logging():
    # Lambda's text format for the logging module: [LEVEL] <UTC time> <request id> <message>.
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(RequestIdFilter())
    formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


class InitError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def load_handler():
    try:
        module_name, function_name = HANDLER.rsplit(".", 1)
    except ValueError as error:
        raise InitError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (HANDLER, error))
    sys.path.insert(0, TASK_ROOT)
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except SyntaxError as error:
        raise InitError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, error))
    except ImportError as error:
        raise InitError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, error))
    handler = getattr(module, function_name, None)
    if handler is None:
        raise InitError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return handler


class Context:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def main():
    global current_request_id
    setup_logging()
    try:
        handler = load_handler()
    except Exception as error:
        payload = error_payload(error, getattr(error, "error_type", None))
        print("[ERROR] %s: %s" % (payload["errorType"], payload["errorMessage"]), flush=True)
        post_error("/init/error", payload)
        sys.exit(1)
    while True:
        # If the sandbox host is gone this raises and the process exits: no orphan runtimes.
        status, headers, body = call("GET", "/invocation/next")
        if status != 200:
            raise RuntimeError("Runtime API /next answered %s: %s" % (status, body))
        current_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        try:
            result = handler(json.loads(body or b"{}"), Context(headers))
        except Exception as error:
            payload = error_payload(error)
            print("[ERROR] %s: %s\n%s" % (payload["errorType"], payload["errorMessage"], "".join(traceback.format_exception(error)).rstrip()), flush=True)
            post_error("/invocation/%s/error" % current_request_id, payload)
            continue
        try:
            response = json.dumps(result).encode()
        except (TypeError, ValueError) as error:
            post_error("/invocation/%s/error" % current_request_id, error_payload(error, "Runtime.MarshalError", "Unable to marshal response: %s" % error))
            continue
        call("POST", "/invocation/%s/response" % current_request_id, response, {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
