fn main() {
    println!("dockerlings: under construction");
}
