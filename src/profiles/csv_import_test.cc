// The CSV import against a real SQLite store: rows created and changed, malformed and refused rows
// reported by row and writing nothing, the header checked first; and the writes in flight bounded.
#include "profiles/csv_import.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "base/random.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sync.h"

namespace herald::profiles {
namespace {

namespace asio = boost::asio;
using core::AttributeType;
using nlohmann::json;

const TimePoint kStart = FromUnixMillis(1'700'000'000'000);

class CsvImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "herald-import-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto opened = storage::OpenSqliteStore({(dir_ / "herald.db").string()}, clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    account_ = {NewId("acc", kStart), "Shop", false, kStart};
    core::ApiKey key{NewId("key", kStart), account_.id, "k", core::Scope::kAdmin, "hash", "hk_", kStart, std::nullopt};
    ASSERT_TRUE(storage::WaitFor([&](auto done) { store_->CreateAccount(account_, key, done); }).ok());
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  core::ProfileTable MakeTable(core::ProfileTableKind kind) {
    core::ProfileTable t;
    t.id = NewId("ptab", clock_.Now());
    t.account_id = account_.id;
    t.kind = kind;
    t.name = kind == core::ProfileTableKind::kCustom ? "customers" : "contacts";
    t.attributes = {{"firstName", AttributeType::kString, false, false, {}},
                    {"loyalty", AttributeType::kInteger, false, false, {}},
                    {"birthday", AttributeType::kDate, false, false, {}}};
    if (kind == core::ProfileTableKind::kCustom) {
      t.key = "customerId";
      t.attributes.push_back({"customerId", AttributeType::kString, false, false, {}});
      t.attributes.push_back({"email", AttributeType::kEmail, true, false, {}});
      t.attributes.push_back({"tier", AttributeType::kEnum, false, true, {"gold", "silver"}});
    }
    t.created_at = clock_.Now();
    auto made = core::MakeProfileTable(t);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    EXPECT_TRUE(storage::WaitFor([&](auto done) { store_->CreateProfileTable(*made, done); }).ok());
    return *made;
  }

  static ImportReport Run(ProfileUpsert upsert, const Clock& clock, const core::ProfileTable& table,
                          std::string_view csv, ImportOptions options, asio::io_context& io) {
    auto report = asio::co_spawn(io, ImportProfilesCsv(std::move(upsert), clock, table, csv, options), asio::use_future);
    io.run();
    return report.get();
  }

  ImportReport Import(const core::ProfileTable& table, std::string_view csv, ImportOptions options = {}) {
    asio::io_context io;
    storage::Store& store = *store_;
    return Run([&store](storage::ProfileWrite w, auto done) { store.UpsertProfile(std::move(w), std::move(done)); },
               clock_, table, csv, options, io);
  }

  // The profile's attributes, or null when there is none.
  json Attributes(const core::ProfileTable& table, const std::string& attribute, const std::string& value) {
    auto found = store_->FindProfile(table.id, attribute, value);
    if (!found.ok()) {
      EXPECT_EQ(found.status().code(), Code::kNotFound) << found.status().ToString();
      return nullptr;
    }
    return found->attributes;
  }

  ManualClock clock_{kStart};
  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
  core::Account account_;
};

TEST_F(CsvImportTest, RowsCreateThenChangeProfilesWithTypedValues) {
  core::ProfileTable t = MakeTable(core::ProfileTableKind::kCustom);
  ImportReport report = Import(t,
                               "customerId,firstName,loyalty,birthday,email,tier\r\n"
                               "c1,Jane,12,1990-05-01,Jane@Example.COM,gold\r\n"
                               "c2,\"Smith, John\",0,,,silver\r\n");
  EXPECT_EQ(report.rows, 2u);
  EXPECT_EQ(report.created, 2u);
  EXPECT_EQ(report.updated, 0u);
  EXPECT_EQ(report.failed, 0u);
  EXPECT_TRUE(report.errors.empty());
  EXPECT_FALSE(report.refused);
  EXPECT_EQ(Attributes(t, "customerId", "c1"), (json{{"customerId", "c1"}, {"firstName", "Jane"}, {"loyalty", 12},
                                                     {"birthday", "1990-05-01"}, {"email", "Jane@example.com"},
                                                     {"tier", "gold"}}));
  EXPECT_EQ(Attributes(t, "customerId", "c2"),
            (json{{"customerId", "c2"}, {"firstName", "Smith, John"}, {"loyalty", 0}, {"tier", "silver"}}));

  // Again, sparser: an empty cell leaves its attribute as it is; columns may come in any order.
  report = Import(t, "loyalty,customerId\n13,c1\n,c2\n5,c3\n");
  EXPECT_EQ(report.rows, 3u);
  EXPECT_EQ(report.updated, 2u);
  EXPECT_EQ(report.created, 0u);
  EXPECT_EQ(report.failed, 1u);  // c3 is new and lacks the required tier
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0], (ImportError{4, "invalid_value", "tier", "tier: required"}));
  EXPECT_EQ(Attributes(t, "customerId", "c1")["loyalty"], 13);
  EXPECT_EQ(Attributes(t, "customerId", "c1")["firstName"], "Jane");
  EXPECT_EQ(Attributes(t, "customerId", "c2")["loyalty"], 0);
  EXPECT_EQ(Attributes(t, "customerId", "c3"), nullptr);
}

using ErrorRows = std::vector<std::tuple<uint64_t, std::string, std::string>>;

// Row, code and field of each error; each has a message.
ErrorRows Errors(const ImportReport& report) {
  ErrorRows rows;
  for (const ImportError& e : report.errors) {
    rows.emplace_back(e.row, e.code, e.field);
    EXPECT_FALSE(e.message.empty()) << "row " << e.row;
  }
  return rows;
}

TEST_F(CsvImportTest, MalformedRowsAreReportedByRowAndWriteNothing) {
  core::ProfileTable t = MakeTable(core::ProfileTableKind::kCustom);
  ASSERT_EQ(Import(t, "customerId,email,tier,loyalty\nc0,taken@example.com,gold,1\nc9,,gold,9\n").created, 2u);

  ImportReport report = Import(t,
                               "customerId,email,tier,loyalty\n"                // 1
                               "c1,one@example.com,gold,1\n"                    // 2
                               "c2,\"two@example.com,gold,2\n"                  // 3 a quote not closed
                               "c3,three@example.com,gold\n"                    // 4 a field short
                               "c4,four@example.com,bronze,4\n"                 // 5 not one of the enum's values
                               ",five@example.com,gold,5\n"                     // 6 no key
                               "c6,taken@example.com,gold,6\n"                  // 7 another profile's email
                               "\n"                                             // 8 blank: skipped
                               "c7,\"seven\"@example.com,gold,7\n"              // 9 text after a closing quote
                               "c9,nine@example.com,gold,many\n"                // 10 not an integer
                               "c8,\"eight@example.com\",\"silver\",\"8\"\n");  // 11
  EXPECT_EQ(report.rows, 9u);
  EXPECT_EQ(report.created, 2u);
  EXPECT_EQ(report.updated, 0u);
  EXPECT_EQ(report.failed, 7u);
  EXPECT_EQ(Errors(report), (ErrorRows{{3, "unterminated_quote", ""},
                                       {4, "wrong_column_count", ""},
                                       {5, "invalid_value", "tier"},
                                       {6, "missing_key", "customerId"},
                                       {7, "duplicate_value", "email"},
                                       {9, "bad_quote", ""},
                                       {10, "invalid_value", "loyalty"}}));
  EXPECT_EQ(report.errors[1].message, "the row has 3 fields, the header 4");

  // Each failed row wrote nothing; the others are in.
  for (const char* id : {"c2", "c3", "c4", "c6", "c7"}) EXPECT_EQ(Attributes(t, "customerId", id), nullptr) << id;
  EXPECT_EQ(Attributes(t, "email", "five@example.com"), nullptr);
  EXPECT_EQ(Attributes(t, "email", "taken@example.com")["customerId"], "c0");
  EXPECT_EQ(Attributes(t, "customerId", "c9"), (json{{"customerId", "c9"}, {"tier", "gold"}, {"loyalty", 9}}));
  EXPECT_EQ(Attributes(t, "customerId", "c1")["email"], "one@example.com");
  EXPECT_EQ(Attributes(t, "customerId", "c8"),
            (json{{"customerId", "c8"}, {"email", "eight@example.com"}, {"tier", "silver"}, {"loyalty", 8}}));
}

TEST_F(CsvImportTest, TransactionalRowsAreFoundByEmailElsePhone) {
  core::ProfileTable t = MakeTable(core::ProfileTableKind::kTransactional);
  ImportReport report = Import(t,
                               "emailAddress,gsmNumber,firstName\n"
                               "jane@example.com,,Jane\n"
                               ",+32 475 12 34 56,Phone only\n"
                               ",,Nobody\n"
                               "john@example.com,+32475123456,John\n"  // the phone of the profile above
                               "jane@example.com,+33 6 12 34 56 78,Jane D.\n");
  EXPECT_EQ(report.rows, 5u);
  EXPECT_EQ(report.created, 2u);
  EXPECT_EQ(report.updated, 1u);
  EXPECT_EQ(Errors(report), (ErrorRows{{4, "missing_key", ""}, {5, "duplicate_value", "gsmNumber"}}));
  EXPECT_EQ(Attributes(t, "emailAddress", "jane@example.com"),
            (json{{"emailAddress", "jane@example.com"}, {"gsmNumber", "+33612345678"}, {"firstName", "Jane D."}}));
  EXPECT_EQ(Attributes(t, "gsmNumber", "+32475123456"), (json{{"gsmNumber", "+32475123456"}, {"firstName", "Phone only"}}));
  EXPECT_EQ(Attributes(t, "emailAddress", "john@example.com"), nullptr);

  // A file of phone numbers only.
  report = Import(t, "gsmNumber,loyalty\n+32475123456,3\n");
  EXPECT_EQ(report.updated, 1u);
  EXPECT_EQ(Attributes(t, "gsmNumber", "+32475123456")["loyalty"], 3);
}

TEST_F(CsvImportTest, RowsOfOneProfileAreWrittenInTheirOrder) {
  core::ProfileTable t = MakeTable(core::ProfileTableKind::kTransactional);
  std::string csv = "emailAddress,loyalty\n";
  for (int i = 1; i <= 300; ++i) csv += "same@example.com," + std::to_string(i) + "\n";
  ImportOptions options;
  options.window = 16;
  ImportReport report = Import(t, csv, options);
  EXPECT_EQ(report.created, 1u);
  EXPECT_EQ(report.updated, 299u);
  EXPECT_EQ(Attributes(t, "emailAddress", "same@example.com")["loyalty"], 300);
}

TEST_F(CsvImportTest, TheHeaderIsCheckedBeforeAnythingIsWritten) {
  core::ProfileTable custom = MakeTable(core::ProfileTableKind::kCustom);
  core::ProfileTable contacts = MakeTable(core::ProfileTableKind::kTransactional);
  struct Case {
    const core::ProfileTable& table;
    std::string csv;
    ImportError refused;
  };
  const std::vector<Case> cases = {
      {custom, "", {1, "invalid_csv_header", "", "the CSV is empty: its first row names the columns"}},
      {custom, "\xEF\xBB\xBF", {1, "invalid_csv_header", "", "the CSV is empty: its first row names the columns"}},
      {custom, "\ncustomerId\nc1\n", {1, "invalid_csv_header", "", "the first row must name the columns: attributes of the table"}},
      {custom, "customerId,colour\nc1,red\n",
       {1, "unknown_attribute", "colour", "colour: the table customers has no such attribute"}},
      {custom, "customerId,loyalty, loyalty\nc1,1,2\n",
       {1, "invalid_csv_header", "loyalty", "loyalty: a column named twice"}},
      {custom, "customerId,,tier\nc1,,gold\n", {1, "invalid_csv_header", "", "column 2 has no name"}},
      {custom, "tier,loyalty\ngold,1\n",
       {1, "invalid_csv_header", "customerId", "no column customerId: each row's profile is found by the table's key"}},
      {contacts, "firstName\nJane\n",
       {1, "invalid_csv_header", "", "no column emailAddress or gsmNumber: each row's profile is found by one of them"}},
      {custom, "customerId,\"tier\nc1,gold\n",
       {1, "invalid_csv_header", "", "the header (row 1): " + CsvErrorMessage(CsvError::kUnterminatedQuote, CsvLimits{})}},
  };
  for (const Case& c : cases) {
    ImportReport report = Import(c.table, c.csv);
    ASSERT_TRUE(report.refused) << c.csv;
    EXPECT_EQ(*report.refused, c.refused) << c.csv;
    EXPECT_EQ(report.rows, 0u);
    EXPECT_EQ(report.created + report.updated + report.failed, 0u);
  }
  EXPECT_EQ(Attributes(custom, "customerId", "c1"), nullptr);
  EXPECT_EQ(store_->SearchProfiles(contacts.id, "firstName", "Jane", "", 10)->profiles.size(), 0u);
  // Spaces around a column's name and a byte order mark are fine.
  ImportReport report = Import(custom, "\xEF\xBB\xBF customerId ,tier\r\nc1,gold\r\n");
  EXPECT_FALSE(report.refused);
  EXPECT_EQ(report.created, 1u);
}

TEST_F(CsvImportTest, FirstRowPlacesAPartOfALargerFile) {
  core::ProfileTable t = MakeTable(core::ProfileTableKind::kTransactional);
  ImportOptions options;
  options.first_row = 40'001;
  ImportReport report = Import(t, "emailAddress,loyalty\na@example.com,1\n\nb@example.com,x\n", options);
  EXPECT_EQ(report.rows, 2u);
  EXPECT_EQ(Errors(report), (ErrorRows{{40'003, "invalid_value", "loyalty"}}));
}

// A stand-in for the store that completes each write later, on the io_context, counting the writes
// in flight.
struct SlowStore {
  asio::io_context& io;
  size_t in_flight = 0;
  size_t most_in_flight = 0;
  size_t written = 0;

  ProfileUpsert Upsert() {
    return [this](storage::ProfileWrite write, storage::ResultCallback<storage::ProfileWriteOutcome> done) {
      most_in_flight = std::max(most_in_flight, ++in_flight);
      asio::post(io, [this, write = std::move(write), done = std::move(done)] {
        --in_flight;
        ++written;
        storage::ProfileWriteOutcome outcome;
        outcome.created = true;
        outcome.profile.id = write.new_id;
        done(outcome);
      });
    };
  }
};

TEST_F(CsvImportTest, WritesInFlightStayWithinTheWindow) {
  core::ProfileTable t = MakeTable(core::ProfileTableKind::kTransactional);
  std::string csv = "emailAddress\n";
  for (int i = 0; i < 5000; ++i) csv += "user" + std::to_string(i) + "@example.com\n";
  asio::io_context io;
  SlowStore store{io};
  ImportOptions options;
  options.window = 100;
  ImportReport report = Run(store.Upsert(), clock_, t, csv, options, io);
  EXPECT_EQ(report.created, 5000u);
  EXPECT_EQ(store.written, 5000u);
  EXPECT_EQ(store.in_flight, 0u);
  EXPECT_EQ(store.most_in_flight, 100u);
}

TEST_F(CsvImportTest, ErrorsAreCappedButAllCounted) {
  core::ProfileTable t = MakeTable(core::ProfileTableKind::kTransactional);
  std::string csv = "emailAddress,loyalty\n";
  for (int i = 0; i < 2500; ++i) csv += "user" + std::to_string(i) + "@example.com," + (i % 2 ? "1" : "x") + "\n";
  ImportOptions options;
  options.max_errors = 10;
  ImportReport report = Import(t, csv, options);
  EXPECT_EQ(report.rows, 2500u);
  EXPECT_EQ(report.created, 1250u);
  EXPECT_EQ(report.failed, 1250u);
  ASSERT_EQ(report.errors.size(), 10u);
  EXPECT_EQ(report.errors.front().row, 2u);
  EXPECT_EQ(report.errors.back().row, 20u);
}

TEST(ImportErrors, TheFirstByRowAreKept) {
  std::vector<ImportError> errors;
  for (uint64_t row : {9, 3, 7, 1, 8, 2, 6, 5, 4}) KeepError(errors, {row, "c", "", "m"}, 3);
  EXPECT_LE(errors.size(), 6u);
  SortErrors(errors, 3);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].row, 1u);
  EXPECT_EQ(errors[2].row, 3u);
}

}  // namespace
}  // namespace herald::profiles
