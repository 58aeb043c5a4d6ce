use mabeam_actors::agent;

struct Phone;

#[agent]
impl Phone {
    #[action]
    fn call(&self, number: String) {}
}

fn main() {}
