"""Writes events/: one API Gateway (HTTP API, payload 2.0) event per call below, and
events/expected-status.txt with the status each must get on the fixture of chat_core::fixture.
Run from the repository root; local/tests/route_table.rs checks the result against the routes."""
import json, sys
ALICE_TOKEN="0190000000007000800000000005e551.YWxpY2UtcGhvbmUtc2VjcmV0LTMyLWJ5dGVzLWxvbmc"
ROOT_TOKEN="0190000000007000800000000005e552.cm9vdC1jb25zb2xlLXNlY3JldC0zMi1ieXRlcy1sb24"
CAROL_TOKEN="0190000000007000800000000005e553.Y2Fyb2wtbGFwdG9wLXNlY3JldC0zMi1ieXRlcy1sb24"
ALICE="01900000-0000-7000-8000-00000000a11c"; BOB="01900000-0000-7000-8000-000000000b0b"
CAROL="01900000-0000-7000-8000-0000000ca201"; ERIN="01900000-0000-7000-8000-000000000e21"
ROOT="01900000-0000-7000-8000-00000000ad31"; GROUP="01900000-0000-7000-8000-00000000c0de"
AUTHORIZATION="01900000-0000-7000-8000-0000000a0701"
n=[0]
expected = {}
def event(name, method, route, path, token=None, body=None, query="", params=None, status=None):
    n[0]+=1
    expected[name] = status
    headers={"accept":"application/json","host":"a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
             "user-agent":"chat-app/1.4.2 (iOS 18.1)","x-forwarded-for":"203.0.113.24",
             "x-forwarded-port":"443","x-forwarded-proto":"https"}
    if token: headers["authorization"]="Bearer "+token
    if body is not None:
        headers["content-type"]="application/json"
        headers["content-length"]=str(len(json.dumps(body,separators=(",",":"))))
    ev={"version":"2.0","routeKey":f"{method} {route}","rawPath":path,"rawQueryString":query,
        "headers":headers}
    if query:
        ev["queryStringParameters"]=dict(kv.split("=",1) for kv in query.split("&"))
    ev["requestContext"]={"accountId":"123456789012","apiId":"a1b2c3d4e5",
        "domainName":"a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com","domainPrefix":"a1b2c3d4e5",
        "http":{"method":method,"path":path,"protocol":"HTTP/1.1","sourceIp":"203.0.113.24","userAgent":"chat-app/1.4.2 (iOS 18.1)"},
        "requestId":f"Hx3Jk{n[0]:04d}EMF-Q=","routeKey":f"{method} {route}","stage":"$default",
        "time":"29/Nov/2026:11:40:00 +0000","timeEpoch":1795866000000+n[0]}
    if params: ev["pathParameters"]=params
    if body is not None: ev["body"]=json.dumps(body,separators=(",",":"))
    ev["isBase64Encoded"]=False
    with open(f"events/{name}.json","w") as f: json.dump(ev,f,indent=2); f.write("\n")
P="correct-horse-battery"
event("login-sign-up","POST","/users","/users",body={"username":"dora","password":P,"display_name":"Dora"},status=201)
event("login-sign-up-provider","POST","/users","/users",token=ROOT_TOKEN,body={"username":"drfox","password":P,"role":"provider"},status=201)
event("login-log-in","POST","/sessions","/sessions",body={"username":"alice","password":P,"device":"iPhone 16"},status=201)
event("login-log-in-wrong-password","POST","/sessions","/sessions",body={"username":"alice","password":"not-her-password"},status=401)
event("login-log-out","DELETE","/sessions/current","/sessions/current",token=ALICE_TOKEN,status=204)
event("login-me","GET","/me","/me",token=ALICE_TOKEN,status=200)
event("login-me-without-token","GET","/me","/me",status=401)
event("login-get-user","GET","/users/{user_id}",f"/users/{BOB}",token=ALICE_TOKEN,params={"user_id":BOB},status=200)
event("login-find-user","GET","/users","/users",token=ALICE_TOKEN,query="username=bob",status=200)
event("group-manage-create-group","POST","/groups","/groups",token=ALICE_TOKEN,body={"kind":"group","name":"weekend trip","member_ids":[BOB,ERIN],"idempotency_key":"weekend-trip-1"},status=201)
event("group-manage-create-direct","POST","/groups","/groups",token=ALICE_TOKEN,body={"kind":"direct","member_ids":[ERIN]},status=201)
event("group-manage-list-groups","GET","/groups","/groups",token=ALICE_TOKEN,status=200)
event("group-manage-get-group","GET","/groups/{group_id}",f"/groups/{GROUP}",token=ALICE_TOKEN,params={"group_id":GROUP},status=200)
event("group-manage-rename-group","PATCH","/groups/{group_id}",f"/groups/{GROUP}",token=ALICE_TOKEN,body={"name":"core team"},params={"group_id":GROUP},status=200)
event("group-manage-add-member","POST","/groups/{group_id}/members",f"/groups/{GROUP}/members",token=ALICE_TOKEN,body={"user_id":ERIN},params={"group_id":GROUP},status=201)
event("group-manage-remove-member","DELETE","/groups/{group_id}/members/{user_id}",f"/groups/{GROUP}/members/{BOB}",token=ALICE_TOKEN,params={"group_id":GROUP,"user_id":BOB},status=204)
event("send-message-send","POST","/groups/{group_id}/messages",f"/groups/{GROUP}/messages",token=ALICE_TOKEN,body={"text":"See you at 10?","client_msg_id":"ios-7f3a9c"},params={"group_id":GROUP},status=201)
event("send-message-empty-text","POST","/groups/{group_id}/messages",f"/groups/{GROUP}/messages",token=ALICE_TOKEN,body={"text":"","client_msg_id":"ios-7f3a9d"},params={"group_id":GROUP},status=400)
event("send-message-reply","POST","/groups/{group_id}/messages",f"/groups/{GROUP}/messages",token=ALICE_TOKEN,body={"text":"Yes, 10 works","client_msg_id":"ios-7f3a9e","reply_to":1},params={"group_id":GROUP},status=201)
event("send-message-edit-not-sender","PATCH","/groups/{group_id}/messages/{seq}",f"/groups/{GROUP}/messages/1",token=ALICE_TOKEN,body={"text":"hello everyone"},params={"group_id":GROUP,"seq":"1"},status=403)
event("send-message-react","PUT","/groups/{group_id}/messages/{seq}/reactions/{emoji}",f"/groups/{GROUP}/messages/1/reactions/%F0%9F%91%8D",token=ALICE_TOKEN,params={"group_id":GROUP,"seq":"1","emoji":"\U0001F44D"},status=200)
event("send-message-unreact","DELETE","/groups/{group_id}/messages/{seq}/reactions/{emoji}",f"/groups/{GROUP}/messages/1/reactions/%F0%9F%91%8D",token=ALICE_TOKEN,params={"group_id":GROUP,"seq":"1","emoji":"\U0001F44D"},status=204)
event("send-message-attach","POST","/groups/{group_id}/attachments",f"/groups/{GROUP}/attachments",token=ALICE_TOKEN,body={"filename":"beach.jpg","content_type":"image/jpeg","size":48213},params={"group_id":GROUP},status=201)
event("send-message-attach-wrong-type","POST","/groups/{group_id}/attachments",f"/groups/{GROUP}/attachments",token=ALICE_TOKEN,body={"filename":"setup.exe","content_type":"application/x-msdownload","size":48213},params={"group_id":GROUP},status=400)
event("send-message-delete-as-owner","DELETE","/groups/{group_id}/messages/{seq}",f"/groups/{GROUP}/messages/1",token=ALICE_TOKEN,params={"group_id":GROUP,"seq":"1"},status=204)
event("poll-poll","POST","/poll","/poll",token=ALICE_TOKEN,body={"wait":0},status=200)
event("poll-history","GET","/groups/{group_id}/messages",f"/groups/{GROUP}/messages",token=ALICE_TOKEN,query="after=0&limit=50",params={"group_id":GROUP},status=200)
event("poll-mark-read","PUT","/groups/{group_id}/read",f"/groups/{GROUP}/read",token=ALICE_TOKEN,body={"seq":1},params={"group_id":GROUP},status=200)
event("timer-get","GET","/groups/{group_id}/timer",f"/groups/{GROUP}/timer",token=ALICE_TOKEN,params={"group_id":GROUP},status=200)
event("timer-start","POST","/groups/{group_id}/timer/start",f"/groups/{GROUP}/timer/start",token=CAROL_TOKEN,body={"rate":{"amount_per_minute":50,"currency":"EUR"}},params={"group_id":GROUP},status=200)
event("timer-pause-when-idle","POST","/groups/{group_id}/timer/pause",f"/groups/{GROUP}/timer/pause",token=CAROL_TOKEN,params={"group_id":GROUP},status=409)
event("timer-resume-when-idle","POST","/groups/{group_id}/timer/resume",f"/groups/{GROUP}/timer/resume",token=CAROL_TOKEN,params={"group_id":GROUP},status=409)
event("timer-stop-when-idle","POST","/groups/{group_id}/timer/stop",f"/groups/{GROUP}/timer/stop",token=CAROL_TOKEN,params={"group_id":GROUP},status=409)
event("charge-wallet","GET","/wallet","/wallet",token=ALICE_TOKEN,status=200)
event("charge-wallet-entries","GET","/wallet/entries","/wallet/entries",token=ALICE_TOKEN,status=200)
event("charge-credit","POST","/wallets/{user_id}/credits",f"/wallets/{ALICE}/credits",token=ROOT_TOKEN,body={"amount":2500,"currency":"EUR","idempotency_key":"topup-2026-11-29-alice"},params={"user_id":ALICE},status=201)
event("charge-charge","POST","/charges","/charges",token=CAROL_TOKEN,body={"payer_id":ALICE,"amount":600,"currency":"EUR","group_id":GROUP,"description":"30 minute consultation","idempotency_key":"inv-2026-0042"},status=201)
event("charge-charge-insufficient-funds","POST","/charges","/charges",token=CAROL_TOKEN,body={"payer_id":ALICE,"amount":5000,"currency":"EUR","group_id":GROUP,"idempotency_key":"inv-2026-0043"},status=402)
event("charge-from-timer-never-ran","POST","/charges","/charges",token=CAROL_TOKEN,body={"payer_id":ALICE,"group_id":GROUP,"from_timer":True,"idempotency_key":"timer-run-1"},status=409)
event("charge-by-member","POST","/charges","/charges",token=ALICE_TOKEN,body={"payer_id":BOB,"amount":100,"currency":"EUR","idempotency_key":"nope"},status=403)
event("charge-list","GET","/charges","/charges",token=ALICE_TOKEN,status=200)
event("login-live-ticket","POST","/live/tickets","/live/tickets",token=ALICE_TOKEN,status=201)
event("charge-grant-authorization","POST","/wallet/authorizations","/wallet/authorizations",token=ALICE_TOKEN,body={"provider_id":CAROL,"currency":"EUR","max_amount":5000,"expires_at":"2030-01-01T00:00:00Z"},status=201)
event("charge-list-authorizations","GET","/wallet/authorizations","/wallet/authorizations",token=ALICE_TOKEN,status=200)
event("charge-revoke-authorization","DELETE","/wallet/authorizations/{authorization_id}",f"/wallet/authorizations/{AUTHORIZATION}",token=ALICE_TOKEN,params={"authorization_id":AUTHORIZATION},status=204)
event("login-log-out-everywhere","DELETE","/sessions","/sessions",token=ALICE_TOKEN,status=204)
event("charge-charge-not-authorized","POST","/charges","/charges",token=CAROL_TOKEN,body={"payer_id":BOB,"amount":100,"currency":"EUR","group_id":GROUP,"idempotency_key":"inv-2026-0044"},status=403)
event("login-block-user","PUT","/blocks/{user_id}",f"/blocks/{BOB}",token=ALICE_TOKEN,params={"user_id":BOB},status=204)
event("login-unblock-user","DELETE","/blocks/{user_id}",f"/blocks/{BOB}",token=ALICE_TOKEN,params={"user_id":BOB},status=204)
event("login-list-blocks","GET","/blocks","/blocks",token=ALICE_TOKEN,status=200)
event("group-manage-hide-group","PUT","/groups/{group_id}/hidden",f"/groups/{GROUP}/hidden",token=ALICE_TOKEN,params={"group_id":GROUP},status=204)
event("group-manage-unhide-group","DELETE","/groups/{group_id}/hidden",f"/groups/{GROUP}/hidden",token=ALICE_TOKEN,params={"group_id":GROUP},status=204)
with open("events/expected-status.txt", "w") as f:
    f.write("# Each event in this folder and the status its function must answer, on the fixture of\n"
            "# chat_core::fixture seeded fresh. Written by scripts/generate-events.py; read by\n"
            "# local/tests/route_table.rs, local/tests/iam_on_aws.rs and scripts/test.\n")
    for name in sorted(expected):
        f.write(f"{name} {expected[name]}\n")
