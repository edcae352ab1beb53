using System.Text.Json;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Schema;

/// <summary>
/// The RFC 7643 §8.2 full user, with the attributes §8.2 leaves out (entitlements, roles) and the §8.3 enterprise
/// extension; the manager is a user of this server, so its id is filled in.
/// </summary>
public static class FullUser
{
    public const string Password = "t1meMa$heen";

    public static string Json(string managerId) => """
        {
          "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
          ],
          "externalId": "701984",
          "userName": "bjensen@example.com",
          "name": {
            "formatted": "Ms. Barbara J Jensen, III",
            "familyName": "Jensen",
            "givenName": "Barbara",
            "middleName": "Jane",
            "honorificPrefix": "Ms.",
            "honorificSuffix": "III"
          },
          "displayName": "Babs Jensen",
          "nickName": "Babs",
          "profileUrl": "https://login.example.com/bjensen",
          "emails": [
            { "value": "bjensen@example.com", "type": "work", "primary": true },
            { "value": "babs@jensen.org", "type": "home" }
          ],
          "addresses": [
            {
              "type": "work",
              "streetAddress": "100 Universal City Plaza",
              "locality": "Hollywood",
              "region": "CA",
              "postalCode": "91608",
              "country": "US",
              "formatted": "100 Universal City Plaza\nHollywood, CA 91608 US",
              "primary": true
            },
            {
              "type": "home",
              "streetAddress": "456 Hollywood Blvd",
              "locality": "Hollywood",
              "region": "CA",
              "postalCode": "91608",
              "country": "US",
              "formatted": "456 Hollywood Blvd\nHollywood, CA 91608 US"
            }
          ],
          "phoneNumbers": [
            { "value": "555-555-5555", "type": "work" },
            { "value": "555-555-4444", "type": "mobile" }
          ],
          "ims": [
            { "value": "someaimhandle", "type": "aim" }
          ],
          "photos": [
            { "value": "https://photos.example.com/profilephoto/72930000000Ccne/F", "type": "photo" },
            { "value": "https://photos.example.com/profilephoto/72930000000Ccne/T", "type": "thumbnail" }
          ],
          "userType": "Employee",
          "title": "Tour Guide",
          "preferredLanguage": "en-US",
          "locale": "en-US",
          "timezone": "America/Los_Angeles",
          "active": true,
          "password": "t1meMa$heen",
          "x509Certificates": [
            {
              "value": "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMxEzARBgNVBAgMCkNhbGlmb3JuaWExFDASBgNVBAoMC2V4YW1wbGUuY29tMRQwEgYDVQQDDAtleGFtcGxlLmNvbTAeFw0xMTEwMjIwNjI0MzFaFw0xMjEwMDQwNjI0MzFa"
            }
          ],
          "entitlements": [
            { "value": "Employee Discount", "display": "Discount", "type": "benefit", "primary": true }
          ],
          "roles": [
            { "value": "tour-guide", "display": "Tour Guide", "type": "job" },
            { "value": "first-aid", "type": "certification" }
          ],
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "costCenter": "4130",
            "organization": "Universal Studios",
            "division": "Theme Park",
            "department": "Tour Operations",
            "manager": {
              "value": "MANAGER_ID"
            }
          }
        }
        """.Replace("MANAGER_ID", managerId);

    /// <summary>
    /// What a GET should show for <see cref="Json"/>: the body without password, plus the server's readOnly parts
    /// (manager.$ref and displayName; no groups, which are unassigned and left out); id and meta are compared separately.
    /// </summary>
    public static JsonElement Expected(string managerId, string managerDisplayName, string baseUrl)
    {
        var sent = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Json(managerId))!;
        sent.Remove("password");
        var enterprise = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(sent[ResourceRequests.EnterpriseUrn].GetRawText())!;
        enterprise["manager"] = JsonSerializer.SerializeToElement(new Dictionary<string, string>
        {
            ["value"] = managerId, ["$ref"] = $"{baseUrl}/Users/{managerId}", ["displayName"] = managerDisplayName,
        });
        sent[ResourceRequests.EnterpriseUrn] = JsonSerializer.SerializeToElement(enterprise);
        return JsonSerializer.SerializeToElement(sent);
    }
}
