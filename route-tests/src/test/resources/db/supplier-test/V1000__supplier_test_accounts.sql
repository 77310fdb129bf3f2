-- Test fixture of the supplier tests (SupplierHubTest): the accounts known before any file arrives.
-- Accounts the tests add later (through the registry import folder) are not here.
insert into supplier_account (supplier_code, account_type, account_no, enterprise_code, data_code, active, updated_by) values
  ('YNDW', 2, '0531000001', '91530100MA6ELEC02D', '0000000002330001', true, 'fixture'),
  ('YNDW', 2, '0531000002', '91530100MA6ELEC02D', '0000000002330002', true, 'fixture'),
  ('YNDW', 2, '0531000003', '91530100MA6ELEC02D', '0000000002330003', true, 'fixture'),
  ('YNDW', 2, '0531000004', '91530100MA6ELEC02D', '0000000002330004', true, 'fixture'),
  ('YNDW', 2, '0531000050', '91530100MA6NX4QW2G', '0000000002330050', false, 'fixture'),
  ('KMGD', 2, '0871000001', '91530100MA6K5YG22J', '0000000002330001', true, 'fixture'),
  ('91530100MA6L2GA70M', 3, 'GA0001234', '91530100MA6K5YG22J', '0000000002150001', true, 'fixture'),
  ('91530100MA6L2GA70M', 3, 'GA0005678', '91530100MA6K5YG22J', '0000000002150002', true, 'fixture'),
  ('KMRL', 4, 'HT-000123', '91530100MA6HEAT016', '0000000002320001', true, 'fixture'),
  ('KMRL', 4, 'HT-000456', '91530100MA6HEAT016', '0000000002320002', true, 'fixture'),
  ('KMRL', 4, 'HT-000789', '91530100MA6HEAT016', '0000000002320003', true, 'fixture');
