pub mod site_gen;
