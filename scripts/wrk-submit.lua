-- wrk script: POST the sample submission to the submit endpoint.
local file = assert(io.open(os.getenv("ASSAY_SUBMISSION") or "Examples/submissions/swift-basics.json", "r"))
wrk.method = "POST"
wrk.body = file:read("*a")
wrk.headers["Content-Type"] = "application/json"
file:close()

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
